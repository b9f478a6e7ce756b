package io.spillway.burst.saga;

/** Where one job of a burst is. */
public enum JobState {
    /** Chosen to burst; waits at home until the data it mounts is usable at the burst site. */
    CHOSEN,
    /** Sent to the burst site; not started there yet. */
    REROUTED,
    /** Started at the burst site. */
    RUNNING,
    /** Ended at the burst site, with exit code 0. */
    SUCCEEDED,
    /** Ended badly at the burst site. */
    FAILED,
    /** Cancelled after it was rerouted. */
    CANCELLED,
    /** Not rerouted after all: it started, ended or was cancelled at home, or its data could not be moved. */
    STAYED_HOME;

    /** Still waiting for, or running at, the burst site: it holds GPUs there and keeps the burst open. */
    public boolean active() {
        return this == CHOSEN || this == REROUTED || this == RUNNING;
    }

    /** Ran at the burst site and ended there: its results come home. */
    public boolean ranAtBurstSite() {
        return this == SUCCEEDED || this == FAILED;
    }
}
