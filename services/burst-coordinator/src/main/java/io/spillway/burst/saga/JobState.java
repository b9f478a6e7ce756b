package io.spillway.burst.saga;

/** Where one job of a burst is. */
public enum JobState {
    /** Chosen to burst; waits at home until the data it mounts is usable at the burst site. */
    CHOSEN,
    /**
     * Sent to the burst site; not started there yet. Until the home site hands it over ({@link BurstJob#handedOverAt}
     * is {@code null}) the reroute waits for its answer; after, the job is queued at the burst site and waits to start.
     */
    REROUTED,
    /** Queued at the burst site too long without starting: asked to go back home, waiting for the burst site's answer. */
    RETURNING,
    /** Started at the burst site. */
    RUNNING,
    /** Ended at the burst site, with exit code 0. */
    SUCCEEDED,
    /** Ended badly at the burst site. */
    FAILED,
    /** Cancelled after it was rerouted. */
    CANCELLED,
    /**
     * Not rerouted after all: it started, ended or was cancelled at home, its data could not be moved, or the home
     * site did not answer its reroute in time (then the burst still awaits that answer: see
     * {@link BurstJob#awaitsAnswer()}).
     */
    STAYED_HOME,
    /**
     * Went back home from the burst site without running there: it did not start there in time (if the burst site did
     * not answer the return in time, the burst still awaits that answer: see {@link BurstJob#awaitsAnswer()}).
     */
    RETURNED;

    /** Still waiting for, or running at, the burst site: it holds GPUs there and keeps the burst open. */
    public boolean active() {
        return this == CHOSEN || this == REROUTED || this == RUNNING || this == RETURNING;
    }

    /** Queued, starting or running at the burst site, as far as the saga knows: where facts from there apply. */
    boolean atBurstSite() {
        return this == REROUTED || this == RUNNING || this == RETURNING;
    }

    /** Ran at the burst site and ended there: its results come home. */
    public boolean ranAtBurstSite() {
        return this == SUCCEEDED || this == FAILED;
    }
}
