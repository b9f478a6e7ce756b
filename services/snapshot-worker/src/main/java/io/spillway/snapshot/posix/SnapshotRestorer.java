package io.spillway.snapshot.posix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.spillway.snapshot.domain.ChunkStore;
import io.spillway.snapshot.domain.Manifest;
import io.spillway.snapshot.domain.ManifestEntry;
import io.spillway.snapshot.domain.ProgressCounter;
import io.spillway.snapshot.domain.RestoreIndex;
import io.spillway.snapshot.domain.RestoreListener;
import io.spillway.snapshot.domain.RestorePlan;
import io.spillway.snapshot.domain.RestoreResult;
import io.spillway.snapshot.domain.SnapshotException;
import io.spillway.snapshot.domain.SnapshotException.Reason;
import io.spillway.snapshot.domain.SnapshotLayout;

/**
 * Rebuilds a snapshot in a directory, in the order its {@link RestorePlan} gives: directories, then files (priority
 * paths first), then symlinks, then the directories' modes and mtimes, which writing into them would otherwise
 * disturb. Blocking I/O: run it on a worker thread; files are fetched and written on a pool of its own.
 *
 * <p>
 * Every chunk is checked against its SHA-256 before a byte of it is written, and every file is written to a temporary
 * name in its own directory and renamed into place, so a reader sees the old file or the whole new one, never a torn
 * one.
 *
 * <p>
 * Delta: a file an earlier restore left at the target, untouched since (its size, mtime, ctime and inode as the
 * {@link RestoreIndex} recorded them), is trusted without reading it: when the index says it was given the entry's
 * content it is not fetched, and when not, it is replaced without being kept aside, since a snapshot holds it. Any
 * other file already at the target with the manifest's size is cut by the manifest's chunking and its chunk hashes
 * compared with the manifest's. Equal hashes mean equal content: it is not fetched (its mode and mtime are set).
 * After the restore, the index is written anew for the next one.
 *
 * <p>
 * Local changes are never lost silently: anything at an entry's path that differs from the snapshot, and is not a
 * file an earlier restore left untouched, is moved to {@code <target>/.spillway-conflicts/<restoreId>/<path>} before
 * it is replaced, and listed in the result.
 */
public final class SnapshotRestorer {

    /** Where local files that the restore replaces are kept. */
    public static final String CONFLICTS = ".spillway-conflicts";

    /** Enough to overlap store round trips and disk writes, few enough not to starve the worker's other work. */
    public static final int DEFAULT_THREADS = 8;

    private final ChunkStore chunks;
    private final int threads;
    private final Clock clock;

    public SnapshotRestorer(ChunkStore chunks) {
        this(chunks, DEFAULT_THREADS);
    }

    public SnapshotRestorer(ChunkStore chunks, int threads) {
        this(chunks, threads, Clock.systemUTC());
    }

    /** @param clock dates the {@link RestoreIndex} a restore leaves */
    SnapshotRestorer(ChunkStore chunks, int threads, Clock clock) {
        if (threads < 1) {
            throw new IllegalArgumentException("Threads must be at least 1: " + threads);
        }
        this.chunks = chunks;
        this.threads = threads;
        this.clock = clock;
    }

    /**
     * What to restore where.
     *
     * @param restoreId names the conflicts directory; must be a safe id ({@link SnapshotLayout#requireSafeId})
     * @param target the directory the manifest's entries are relative to
     * @param priorityPaths path prefixes relative to the target, restored before every other file
     */
    public record Request(String restoreId, Manifest manifest, Path target, List<String> priorityPaths) {

        public Request {
            priorityPaths = priorityPaths == null ? List.of() : List.copyOf(priorityPaths);
        }
    }

    /**
     * Restores the snapshot.
     *
     * @throws SnapshotException {@link Reason#CHUNK_CORRUPT} naming the chunk and the file when a chunk is missing or
     *         damaged, {@link Reason#INVALID_REQUEST} for an entry whose path leaves the target,
     *         {@link Reason#WRITE_FAILED} when the target cannot be written, {@link Reason#OBJECT_STORE} from the store
     */
    public RestoreResult restore(Request request) {
        return restore(request, RestoreListener.NONE);
    }

    /**
     * Restores the snapshot, telling {@code listener} when the priority paths are in place and how far it has got.
     *
     * @throws SnapshotException as {@link #restore(Request)}
     */
    public RestoreResult restore(Request request, RestoreListener listener) {
        long started = System.nanoTime();
        SnapshotLayout.requireSafeId(request.restoreId());
        Path requestedTarget = request.target().toAbsolutePath().normalize();
        RestorePlan plan = RestorePlan.of(request.manifest(), request.priorityPaths());
        RestoreRun run;
        try {
            run = new RestoreRun(request, chunks, new ProgressCounter(listener::progress));
        } catch (IOException | UncheckedIOException e) {
            throw new SnapshotException(Reason.WRITE_FAILED, "Cannot restore into " + requestedTarget + ": "
                    + e.getMessage(), e);
        }
        try {
            for (ManifestEntry entry : plan.entries()) {
                run.pathOf(entry);
            }
            for (ManifestEntry entry : plan.directories()) {
                run.directory(entry);
            }
            run.countFiles(plan.files());
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                // Priority files are all in place before any other file starts: a job waiting on them can begin.
                run.files(pool, plan.priorityFiles());
                if (!request.priorityPaths().isEmpty()) {
                    listener.priorityPathsReady(request.priorityPaths());
                }
                run.files(pool, plan.otherFiles());
            } finally {
                pool.shutdownNow();
            }
            for (ManifestEntry entry : plan.symlinks()) {
                run.symlink(entry);
            }
            for (ManifestEntry entry : plan.directoriesToFinish()) {
                run.finishDirectory(entry);
            }
            run.writeIndex(clock.instant());
        } catch (IOException | UncheckedIOException e) {
            throw new SnapshotException(Reason.WRITE_FAILED, "Cannot restore into " + run.target() + ": "
                    + e.getMessage(), e);
        }
        long durationMs = (System.nanoTime() - started) / 1_000_000;
        List<String> conflicts = new ArrayList<>(run.conflicts());
        Collections.sort(conflicts);
        return new RestoreResult(request.manifest().files(), run.bytesWritten(), run.filesSkipped(),
                run.bytesSkipped(), run.chunksFetched(), durationMs, conflicts, run.skippedSymlinks(),
                run.filesTrusted());
    }
}
