package io.spillway.burst.domain;

/**
 * Where a burst is in its saga. Only the snapshot phase exists yet; restoring at the burst site, rerouting the jobs
 * and releasing come with the rest of the saga.
 */
public enum BurstState {
    /** The filesystems the candidates mount are being snapshotted at the home site. */
    SNAPSHOTTING(true),
    /** Every snapshot is uploaded; the restore at the burst site is next. */
    SNAPSHOTTED(true),
    /** A step failed; the burst is closed and a new signal may open another. */
    FAILED(false);

    private final boolean open;

    BurstState(boolean open) {
        this.open = open;
    }

    /** Whether the burst is still running, so that no second burst opens for its home site. */
    public boolean open() {
        return open;
    }
}
