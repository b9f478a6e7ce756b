package io.spillway.scheduler.domain;

/**
 * One pass's unit of work on the site's state, after KAI's {@code Statement}: what the pass reads and the decision it
 * commits share one transaction, under a lock that keeps every other pass out, so no GPU is given twice. Nothing the
 * pass decided reaches the site before {@link #commit}; a statement closed without a commit changes nothing.
 */
public interface Statement extends AutoCloseable {

    /** The site's jobs and projects, read under the statement's lock. */
    SiteState read();

    /**
     * Writes the decision with its events and commits them together.
     *
     * @throws RuntimeException when it cannot; then none of it is written
     */
    void commit(Decision decision);

    /** Ends the statement, undoing what it has not committed. */
    @Override
    void close();
}
