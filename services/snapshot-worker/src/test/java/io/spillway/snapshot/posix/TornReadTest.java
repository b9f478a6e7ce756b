package io.spillway.snapshot.posix;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.spillway.snapshot.domain.ChunkStore;
import io.spillway.snapshot.domain.FastCdcChunker;
import io.spillway.snapshot.domain.FixedSizeChunkerTest;
import io.spillway.snapshot.domain.GcResult;
import io.spillway.snapshot.domain.InMemoryStore;
import io.spillway.snapshot.domain.ManifestEntry;
import io.spillway.snapshot.domain.SnapshotException;
import io.spillway.snapshot.domain.SnapshotException.Reason;
import io.spillway.snapshot.domain.SnapshotResult;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A file written while it is read is read again, or the snapshot fails naming it: it is never stored torn. */
class TornReadTest {

    private static final int MIB = 1024 * 1024;

    @TempDir
    Path filesystem;

    private final InMemoryStore store = new InMemoryStore();

    @Test
    void readsAFileAgainWhenItChangedDuringTheReadAndStoresItsFinalContent() throws IOException {
        Path checkpoint = filesystem.resolve("checkpoint.pt");
        Files.write(checkpoint, FixedSizeChunkerTest.random(3 * MIB));
        byte[] rewritten = FixedSizeChunkerTest.random(3 * MIB + 1);
        RewritingStore rewriting = new RewritingStore(checkpoint, 1, rewritten);

        SnapshotResult result = snapshotter(rewriting).take(request());

        ManifestEntry entry = result.manifest().entries().get(0);
        assertEquals(rewritten.length, entry.size());
        assertArrayEquals(rewritten, reassemble(entry), "the manifest names the content as it was after the write");
        assertEquals(Files.getLastModifiedTime(checkpoint).toInstant(), entry.mtime());
        assertEquals(1, result.filesRead());
        assertEquals(3 * MIB + rewritten.length, result.bytesScanned(), "both reads count as scanned");
    }

    @Test
    void failsNamingTheFileWhenItKeepsChanging() throws IOException {
        Path log = filesystem.resolve("logs/train.log");
        Files.createDirectories(log.getParent());
        Files.write(log, FixedSizeChunkerTest.random(2 * MIB));
        RewritingStore rewriting = new RewritingStore(log, Integer.MAX_VALUE, null);

        SnapshotException error = assertThrows(SnapshotException.class, () -> snapshotter(rewriting).take(request()));

        assertEquals(Reason.FILE_CHANGED, error.reason());
        assertTrue(error.getMessage().contains("logs/train.log"), error.getMessage());
        assertTrue(rewriting.rewrites >= SnapshotTaker.READ_ATTEMPTS, "every read saw a change");
        assertTrue(store.manifests.isEmpty(), "no manifest for a snapshot that could not be consistent");
    }

    private SnapshotTaker snapshotter(ChunkStore chunks) {
        return new SnapshotTaker(new FastCdcChunker(), chunks, store, Clock.systemUTC());
    }

    private SnapshotTaker.Request request() {
        return new SnapshotTaker.Request("snap-1", "onprem", "datasets", null, filesystem);
    }

    private byte[] reassemble(ManifestEntry entry) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        entry.chunks().forEach(hash -> out.writeBytes(store.chunks.get(hash)));
        return out.toByteArray();
    }

    /**
     * Stores into {@link #store} and rewrites the file on each of the first {@code times} chunks it is handed (with
     * {@code content}, or with new bytes one longer than before), as a training job saving a checkpoint would while
     * the snapshot reads it.
     */
    private final class RewritingStore implements ChunkStore {

        private final Path file;
        private final int times;
        private final byte[] content;
        int rewrites;

        RewritingStore(Path file, int times, byte[] content) {
            this.file = file;
            this.times = times;
            this.content = content;
        }

        @Override
        public boolean contains(String sha256) {
            return store.contains(sha256);
        }

        @Override
        public void put(String sha256, byte[] data, int length) {
            store.put(sha256, data, length);
            if (rewrites < times) {
                rewrite();
            }
        }

        @Override
        public java.util.Optional<byte[]> fetch(String sha256) {
            return store.fetch(sha256);
        }

        @Override
        public GcResult collectGarbage(java.util.Set<String> referenced, Instant storedBefore) {
            return store.collectGarbage(referenced, storedBefore);
        }

        private void rewrite() {
            try {
                byte[] next = content != null ? content : FixedSizeChunkerTest.random((int) Files.size(file) + 1);
                Files.write(file, next);
                // Explicit, so the change shows in mtime even where the filesystem's clock is coarse.
                Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(rewrites + 1)));
                rewrites++;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
