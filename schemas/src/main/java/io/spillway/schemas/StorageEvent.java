package io.spillway.schemas;

import java.util.List;

/** Filesystems, snapshots and restores, on {@link Topics#SNAPSHOTS}, keyed by filesystem name. */
public sealed interface StorageEvent extends SpillwayEvent {

    String filesystem();

    @Override
    default String subject() {
        return filesystem();
    }

    /** An event about one snapshot, whichever step of it. */
    interface OfSnapshot {
        String snapshotId();
    }

    /** An event about one restore, whichever step of it. */
    interface OfRestore {
        String restoreId();
    }

    /** Ask {@code site}'s storage-agent to make sure a filesystem exists. */
    record FilesystemRequested(String requestId, String site, String filesystem) implements StorageEvent {
    }

    /**
     * A filesystem (or, during a restore, the listed {@code paths} of it) is usable at {@code site}.
     *
     * @param requestId the request or restore this answers
     * @param paths the paths ready so far, empty when the whole filesystem is
     */
    record FilesystemReady(String requestId, String site, String filesystem, String mountPath, List<String> paths)
            implements
                StorageEvent {

        public FilesystemReady {
            paths = paths == null ? List.of() : List.copyOf(paths);
        }
    }

    /** Take a point-in-time snapshot of {@code path} (or the whole filesystem) at {@code site} and upload it. */
    record SnapshotRequested(String snapshotId, String site, String filesystem, String path, String burstId)
            implements
                StorageEvent,
                OfSnapshot {

        /**
         * A burst's requests share its key, so the worker takes them in the order the burst asked: the first job's
         * data first, whatever filesystems it spans; others are keyed by their filesystem.
         */
        @Override
        public String subject() {
            return burstId != null ? burstId : filesystem;
        }
    }

    /** The snapshot's manifest is built: the point in time is fixed. */
    record SnapshotCreated(String snapshotId, String site, String filesystem, long files, long bytes, String burstId)
            implements
                StorageEvent,
                OfSnapshot {
    }

    /** The snapshot is complete in the object store; {@code locator} names its manifest there. */
    record SnapshotUploaded(
            String snapshotId,
            String site,
            String filesystem,
            String locator,
            long bytesScanned,
            long bytesUploaded,
            long chunksNew,
            long chunksReused,
            long durationMs,
            String burstId) implements StorageEvent, OfSnapshot {
    }

    /** The snapshot could not be taken or uploaded; nothing of it is visible. */
    record SnapshotFailed(String snapshotId, String site, String filesystem, String reason, String burstId)
            implements
                StorageEvent,
                OfSnapshot {
    }

    /**
     * Rebuild {@code filesystem} at {@code site} from the snapshot at {@code locator}, {@code priorityPaths} first.
     *
     * @param targetPath a directory inside the filesystem to restore into instead of its root, e.g.
     *        {@code .spillway-bursts/<burstId>/<jobId>} for a burst job's results, so they never overwrite what is
     *        there; {@code null} for the root
     */
    record RestoreRequested(
            String restoreId,
            String locator,
            String site,
            String filesystem,
            List<String> priorityPaths,
            String burstId,
            String targetPath) implements StorageEvent, OfRestore {

        public RestoreRequested {
            priorityPaths = priorityPaths == null ? List.of() : List.copyOf(priorityPaths);
        }

        /** Keyed as {@link SnapshotRequested}: a burst's restores in the order it asked. */
        @Override
        public String subject() {
            return burstId != null ? burstId : filesystem;
        }

        /** A restore into the filesystem's root. */
        public RestoreRequested(String restoreId, String locator, String site, String filesystem,
                List<String> priorityPaths, String burstId) {
            this(restoreId, locator, site, filesystem, priorityPaths, burstId, null);
        }
    }

    /** Every file of the snapshot is in place at {@code site}, verified. */
    record SnapshotRestored(
            String restoreId,
            String locator,
            String site,
            String filesystem,
            long files,
            long bytes,
            long durationMs,
            String burstId) implements StorageEvent, OfRestore {
    }

    /**
     * The restore could not finish: what it wrote so far stays (every file in place is whole and verified), the rest
     * is missing, and the filesystem must not be handed to jobs as this snapshot.
     *
     * @param reason what went wrong, for a person: the chunk and file, the site, the missing manifest
     */
    record RestoreFailed(String restoreId, String locator, String site, String filesystem, String reason,
            String burstId) implements StorageEvent, OfRestore {
    }

    /**
     * How far a snapshot has got, sent every few seconds while it runs. {@code bytesTotal} is what the walk found
     * so far and grows until the walk ends; unchanged files count as done at once.
     */
    record SnapshotProgress(
            String snapshotId,
            String site,
            String filesystem,
            long filesDone,
            long filesTotal,
            long bytesDone,
            long bytesTotal,
            String burstId) implements StorageEvent, OfSnapshot {
    }

    /** How far a restore has got, sent every few seconds while it runs; files already in place count as done. */
    record RestoreProgress(
            String restoreId,
            String site,
            String filesystem,
            long filesDone,
            long filesTotal,
            long bytesDone,
            long bytesTotal,
            String burstId) implements StorageEvent, OfRestore {
    }

    /** Delete a snapshot: its manifest goes at once, its chunks when no other snapshot names them. */
    record SnapshotDeleteRequested(String snapshotId, String filesystem, String reason) implements StorageEvent, OfSnapshot {
    }

    /**
     * A snapshot is gone from the object store (its manifest is deleted; chunks no other snapshot names follow at
     * the next garbage collection).
     *
     * @param reason why: asked for, or the retention rule that dropped it
     */
    record SnapshotDeleted(String snapshotId, String site, String filesystem, String locator, String reason)
            implements
                StorageEvent,
                OfSnapshot {
    }
}
