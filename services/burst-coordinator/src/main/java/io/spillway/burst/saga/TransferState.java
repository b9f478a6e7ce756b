package io.spillway.burst.saga;

/** Where one snapshot-and-restore of a filesystem is. */
public enum TransferState {
    /** The snapshot is asked for and not yet uploaded. */
    SNAPSHOTTING,
    /** The snapshot is uploaded and its restore asked for; some priority paths may be online already. */
    RESTORING,
    /** Every file is in place at the target site. */
    RESTORED,
    /** The snapshot or the restore failed or timed out. */
    FAILED;

    public boolean ended() {
        return this == RESTORED || this == FAILED;
    }
}
