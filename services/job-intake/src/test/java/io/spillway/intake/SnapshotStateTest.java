package io.spillway.intake;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.spillway.intake.domain.RestoreState;
import io.spillway.intake.domain.SnapshotState;
import io.spillway.schemas.StorageEvent;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SnapshotStateTest {

    private static final StorageEvent CREATED = new StorageEvent.SnapshotCreated("s", "onprem", "data", 3, 30, null);
    private static final StorageEvent PROGRESS = new StorageEvent.SnapshotProgress("s", "onprem", "data", 1, 3, 10,
            30, null);
    private static final StorageEvent UPLOADED = new StorageEvent.SnapshotUploaded("s", "onprem", "data",
            "snapshots/data/s.json", 30, 30, 3, 0, 12, null);
    private static final StorageEvent FAILED = new StorageEvent.SnapshotFailed("s", "onprem", "data", "disk gone",
            null);
    private static final StorageEvent DELETED = new StorageEvent.SnapshotDeleted("s", "onprem", "data",
            "snapshots/data/s.json", "asked by admin");

    @Test
    void aSnapshotRunsOnItsFirstProgressAndEndsUploadedOrFailed() {
        assertEquals(Optional.of(SnapshotState.RUNNING), SnapshotState.REQUESTED.after(CREATED));
        assertEquals(Optional.of(SnapshotState.RUNNING), SnapshotState.REQUESTED.after(PROGRESS));
        assertEquals(Optional.of(SnapshotState.UPLOADED), SnapshotState.RUNNING.after(UPLOADED));
        assertEquals(Optional.of(SnapshotState.UPLOADED), SnapshotState.REQUESTED.after(UPLOADED),
                "an upload without progress reports still ends it");
        assertEquals(Optional.of(SnapshotState.FAILED), SnapshotState.RUNNING.after(FAILED));
    }

    @Test
    void anEndedSnapshotIgnoresLateProgressAndOnlyDeletionMovesIt() {
        for (SnapshotState ended : List.of(SnapshotState.UPLOADED, SnapshotState.FAILED, SnapshotState.DELETED)) {
            for (StorageEvent event : List.of(CREATED, PROGRESS, UPLOADED, FAILED)) {
                assertEquals(Optional.empty(), ended.after(event), ended + " after " + event);
            }
        }
        assertEquals(Optional.of(SnapshotState.DELETED), SnapshotState.UPLOADED.after(DELETED));
        assertEquals(Optional.empty(), SnapshotState.DELETED.after(DELETED));
    }

    @Test
    void aRestoreRunsOnProgressAndEndsRestoredOrFailedForGood() {
        StorageEvent progress = new StorageEvent.RestoreProgress("r", "cloud", "data", 1, 3, 10, 30, null);
        StorageEvent restored = new StorageEvent.SnapshotRestored("r", "snapshots/data/s.json", "cloud", "data", 3, 30,
                40, null);
        StorageEvent failed = new StorageEvent.RestoreFailed("r", "snapshots/data/s.json", "cloud", "data",
                "chunk ab12 of a.bin is damaged", null);

        assertEquals(Optional.of(RestoreState.RUNNING), RestoreState.REQUESTED.after(progress));
        assertEquals(Optional.of(RestoreState.RESTORED), RestoreState.RUNNING.after(restored));
        assertEquals(Optional.of(RestoreState.FAILED), RestoreState.REQUESTED.after(failed));
        assertEquals(Optional.empty(), RestoreState.RESTORED.after(failed));
        assertEquals(Optional.empty(), RestoreState.FAILED.after(progress));
        assertEquals(Optional.empty(), RestoreState.RUNNING.after(CREATED), "a snapshot's event is not a restore's");
    }
}
