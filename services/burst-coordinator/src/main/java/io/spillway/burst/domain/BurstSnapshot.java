package io.spillway.burst.domain;

/**
 * The snapshot of one filesystem a burst needs.
 *
 * @param locator where the uploaded snapshot is, once it is
 * @param reason why it failed, if it did
 */
public record BurstSnapshot(String filesystem, String snapshotId, SnapshotState state, String locator,
        String reason) {

    static BurstSnapshot requested(String filesystem, String snapshotId) {
        return new BurstSnapshot(filesystem, snapshotId, SnapshotState.REQUESTED, null, null);
    }

    BurstSnapshot uploaded(String locator) {
        return new BurstSnapshot(filesystem, snapshotId, SnapshotState.UPLOADED, locator, null);
    }

    BurstSnapshot failed(String reason) {
        return new BurstSnapshot(filesystem, snapshotId, SnapshotState.FAILED, null, reason);
    }
}
