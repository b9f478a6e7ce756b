package io.spillway.snapshot.posix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

import io.spillway.snapshot.domain.ChunkHash;
import io.spillway.snapshot.domain.ChunkStore;
import io.spillway.snapshot.domain.ManifestEntry;
import io.spillway.snapshot.domain.SnapshotException;
import io.spillway.snapshot.domain.SnapshotException.Reason;

/**
 * Fetches the chunks of the files a restore writes: asks the store how it would read them, reads each group once, on
 * the restore's pool, and writes every chunk, once its hash is checked, at its offset in every file that holds it.
 */
final class ChunkFetch {

    private final RestoreRun run;
    private final ChunkStore chunks;

    ChunkFetch(RestoreRun run, ChunkStore chunks) {
        this.run = run;
        this.chunks = chunks;
    }

    /** Writes these files whole; after a failure none of them is left half-written. */
    void fetch(ExecutorService pool, List<FileWrite> writes) throws IOException {
        boolean done = false;
        try {
            Set<String> needed = new LinkedHashSet<>();
            for (FileWrite write : writes) {
                needed.addAll(write.hashes);
            }
            ChunkStore.ReadPlan plan = chunks.plan(needed);
            Map<String, List<FileWrite.Target>> targets = new HashMap<>();
            for (FileWrite write : writes) {
                write.place(plan.lengths(), targets);
            }
            Set<String> delivered = ConcurrentHashMap.newKeySet();
            List<Callable<Void>> reading = new ArrayList<>();
            for (List<String> group : plan.groups()) {
                reading.add(() -> {
                    readGroup(group, targets, delivered);
                    return null;
                });
            }
            runAll(pool, reading, run.restoreId());
            for (FileWrite write : writes) {
                write.checkComplete(delivered);
            }
            done = true;
        } finally {
            if (!done) {
                for (FileWrite write : writes) {
                    write.abandon();
                }
            }
        }
    }

    /** Runs the tasks on the pool and returns their results in order; the first failure cancels the rest. */
    static <T> List<T> runAll(ExecutorService pool, List<Callable<T>> tasks, String restoreId) throws IOException {
        List<Future<T>> pending = new ArrayList<>();
        for (Callable<T> task : tasks) {
            pending.add(pool.submit(task));
        }
        List<T> results = new ArrayList<>();
        try {
            for (Future<T> future : pending) {
                results.add(future.get());
            }
        } catch (InterruptedException e) {
            pending.forEach(future -> future.cancel(true));
            Thread.currentThread().interrupt();
            throw new SnapshotException(Reason.WRITE_FAILED, "Restore " + restoreId + " interrupted", e);
        } catch (ExecutionException e) {
            pending.forEach(future -> future.cancel(true));
            Throwable cause = e.getCause();
            if (cause instanceof SnapshotException snapshot) {
                throw snapshot;
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(cause);
        }
        return results;
    }

    /**
     * Reads one group of chunks and writes each, once its hash is checked, at its offsets in the files that hold it.
     * The group's files stay open until it is read (a file's chunks are mostly neighbours); several groups may write
     * one file at once, at different offsets.
     */
    private void readGroup(List<String> group, Map<String, List<FileWrite.Target>> targets, Set<String> delivered)
            throws IOException {
        Map<FileWrite, FileChannel> open = new HashMap<>();
        boolean done = false;
        try {
            read(group, (hash, data, offset, length) -> {
                List<FileWrite.Target> wanting = targets.get(hash);
                if (wanting == null || !delivered.add(hash)) {
                    return;
                }
                ManifestEntry first = wanting.get(0).file().entry;
                ChunkHash.verify(hash, data, offset, length, first.path());
                if (length != wanting.get(0).length()) {
                    throw new SnapshotException(Reason.CHUNK_CORRUPT, "Chunk " + hash + " of file '"
                            + first.path() + "' is " + length + " bytes; the store's index says "
                            + wanting.get(0).length());
                }
                run.chunkFetched();
                try {
                    for (FileWrite.Target target : wanting) {
                        FileWrite write = target.file();
                        FileChannel channel = open.get(write);
                        if (channel == null) {
                            channel = write.open();
                            open.put(write, channel);
                        }
                        ByteBuffer buffer = ByteBuffer.wrap(data, offset, length);
                        long position = target.position();
                        while (buffer.hasRemaining()) {
                            position += channel.write(buffer, position);
                        }
                        if (write.written(length)) {
                            open.remove(write).close();
                            write.finish();
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, targets.get(group.get(0)).get(0).file().entry);
            done = true;
        } finally {
            IOException closing = null;
            for (FileChannel channel : open.values()) {
                try {
                    channel.close();
                } catch (IOException e) {
                    closing = e;
                }
            }
            if (done && closing != null) {
                throw closing;
            }
        }
    }

    /** Reads chunks; a chunk the store cannot open is reported with the file that needs it. */
    private void read(Collection<String> hashes, ChunkStore.ChunkSink sink, ManifestEntry firstFile) {
        try {
            chunks.read(hashes, sink);
        } catch (SnapshotException e) {
            if (e.reason() != Reason.CHUNK_CORRUPT) {
                throw e;
            }
            throw new SnapshotException(Reason.CHUNK_CORRUPT, "A chunk of file '" + firstFile.path()
                    + "' (or a file restored with it) is corrupt: " + e.getMessage(), e);
        }
    }
}
