package io.spillway.burst.saga;

/** Where the results of one job of a burst are. */
public enum ResultsState {
    /** The job has not ended at the burst site. */
    NOT_YET,
    /** Nothing to bring home: the job did not run there, or mounts nothing writable. */
    NONE,
    /** Output snapshots or restores are under way. */
    TRAVELLING,
    /** Every output is restored at home. */
    HOME,
    /** At least one output could not come home; the others that could did. */
    FAILED;

    public boolean settled() {
        return this == NONE || this == HOME || this == FAILED;
    }
}
