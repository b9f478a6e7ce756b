package io.spillway.intake.domain;

import java.util.Optional;

import io.spillway.schemas.StorageEvent;

/** The states of a restore as users see them, and how the answers to a {@code RestoreRequested} move it. */
public enum RestoreState {
    REQUESTED,
    RUNNING,
    RESTORED,
    FAILED;

    public boolean isFinal() {
        return this == RESTORED || this == FAILED;
    }

    /** The state after {@code event}, or empty when it does not change it; a finished restore stays as it ended. */
    public Optional<RestoreState> after(StorageEvent event) {
        if (isFinal()) {
            return Optional.empty();
        }
        RestoreState next = null;
        if (event instanceof StorageEvent.RestoreProgress) {
            next = RUNNING;
        } else if (event instanceof StorageEvent.SnapshotRestored) {
            next = RESTORED;
        } else if (event instanceof StorageEvent.RestoreFailed) {
            next = FAILED;
        }
        return Optional.ofNullable(next);
    }
}
