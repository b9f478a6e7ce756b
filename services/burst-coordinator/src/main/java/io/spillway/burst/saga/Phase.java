package io.spillway.burst.saga;

/** Where a burst is as a whole. */
public enum Phase {
    /** Snapshotting the data at home and restoring it at the burst site; no job has moved. */
    PREPARING,
    /** The data is usable at the burst site, readiness announced; jobs are rerouted, run, and send results home. */
    RUNNING,
    /** Over, with its totals reported. */
    RELEASED,
    /** Given up before any job moved; the chosen jobs stayed queued at home. */
    FAILED;

    /** Whether the burst still runs, so that a signal for its home site extends it rather than opening another. */
    public boolean open() {
        return this == PREPARING || this == RUNNING;
    }
}
