package io.spillway.intake.domain;

import java.util.Optional;

import io.spillway.schemas.StorageEvent;

/** The states of a snapshot as users see them, and how snapshot-worker's answers move a snapshot between them. */
public enum SnapshotState {
    REQUESTED,
    RUNNING,
    UPLOADED,
    FAILED,
    DELETED;

    /**
     * The state after {@code event}, or empty when the event does not change it. Progress that arrives after the
     * snapshot ended changes nothing; a deletion ends every snapshot.
     */
    public Optional<SnapshotState> after(StorageEvent event) {
        boolean running = this == REQUESTED || this == RUNNING;
        SnapshotState next = null;
        if (event instanceof StorageEvent.SnapshotCreated || event instanceof StorageEvent.SnapshotProgress) {
            next = running ? RUNNING : null;
        } else if (event instanceof StorageEvent.SnapshotUploaded) {
            next = running ? UPLOADED : null;
        } else if (event instanceof StorageEvent.SnapshotFailed) {
            next = running ? FAILED : null;
        } else if (event instanceof StorageEvent.SnapshotDeleted) {
            // A snapshot deleted by retention may never have been seen uploaded here; gone is gone.
            next = this == DELETED ? null : DELETED;
        }
        return Optional.ofNullable(next);
    }
}
