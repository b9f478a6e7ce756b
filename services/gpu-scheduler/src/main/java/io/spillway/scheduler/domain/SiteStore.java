package io.spillway.scheduler.domain;

/** The port through which scheduling passes read the site and commit their decisions. */
public interface SiteStore {

    /**
     * Opens a pass's statement for the leader of {@code term}: from now until it is closed, no other pass reads or
     * places GPUs. Its commit writes nothing, and fails with {@link LeaseLost}, unless {@code term} still holds the
     * site's lease when it writes (the fence is checked in the statement's own transaction).
     */
    Statement begin(LeaseTerm term);
}
