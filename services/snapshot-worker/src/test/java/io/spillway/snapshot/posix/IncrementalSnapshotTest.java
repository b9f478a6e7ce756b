package io.spillway.snapshot.posix;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.spillway.snapshot.domain.FastCdcChunker;
import io.spillway.snapshot.domain.FixedSizeChunker;
import io.spillway.snapshot.domain.InMemoryStore;
import io.spillway.snapshot.domain.Manifest;
import io.spillway.snapshot.domain.ManifestEntry;
import io.spillway.snapshot.domain.SnapshotResult;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A snapshot against its parent reads only changed files and uploads only their changed chunks. */
class IncrementalSnapshotTest {

    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;
    private static final int FILES = 64;
    private static final long DATASET = (long) FILES * MIB;
    private static final Instant WRITTEN = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);

    @TempDir
    Path filesystem;

    private final InMemoryStore store = new InMemoryStore();
    private final SnapshotTaker taker = new SnapshotTaker(new FastCdcChunker(), store, store, Clock.systemUTC());

    @BeforeEach
    void writeDataset() throws IOException {
        Random random = new Random(42);
        Files.createDirectories(filesystem.resolve("shards"));
        for (int i = 0; i < FILES; i++) {
            byte[] content = new byte[MIB];
            random.nextBytes(content);
            Path file = filesystem.resolve("shards/shard-" + i + ".bin");
            Files.write(file, content);
            Files.setLastModifiedTime(file, FileTime.from(WRITTEN));
        }
    }

    @Test
    void afterOnePercentChangedReadsOneFileAndUploadsAboutThatOnePercent() throws IOException {
        SnapshotResult first = take("snap-1", null);
        assertEquals(DATASET, first.bytesScanned());
        assertEquals(FILES, first.filesRead());

        // 640 KiB of new bytes inside one file: 1% of the dataset, size unchanged, mtime moves.
        byte[] patch = new byte[640 * KIB];
        new Random(7).nextBytes(patch);
        try (RandomAccessFile file = new RandomAccessFile(filesystem.resolve("shards/shard-17.bin").toFile(), "rw")) {
            file.seek(200 * KIB);
            file.write(patch);
        }

        SnapshotResult second = take("snap-2", first.manifest());

        assertEquals(1, second.filesRead(), "only the changed file is read");
        assertEquals(FILES - 1, second.filesSkipped());
        assertEquals(MIB, second.bytesScanned(), "bytes scanned are bytes actually read");
        assertEquals(DATASET - MIB, second.bytesSkipped());
        assertTrue(second.bytesUploaded() <= 0.03 * DATASET, second.bytesUploaded() + " bytes uploaded");
        assertTrue(second.bytesUploaded() >= patch.length, "the changed bytes are uploaded");
        assertEquals("snap-1", second.manifest().parentSnapshotId());
        assertNull(first.manifest().parentSnapshotId());
        assertEquals(DATASET, second.manifest().bytes());
        assertNotEquals(entry(first, "shards/shard-17.bin").chunks(), entry(second, "shards/shard-17.bin").chunks());
        assertEquals(entry(first, "shards/shard-3.bin"), entry(second, "shards/shard-3.bin"),
                "an unchanged file keeps its entry, chunk list included");
    }

    @Test
    void readsEverythingAgainAgainstAParentCutAnotherWay() {
        SnapshotResult fixed = new SnapshotTaker(new FixedSizeChunker(), store, store, Clock.systemUTC())
                .take(request("snap-1"));

        SnapshotResult second = take("snap-2", fixed.manifest());

        assertEquals(FILES, second.filesRead());
        assertNull(second.manifest().parentSnapshotId());
    }

    @Test
    void readsAFileWhoseMtimeWasTooCloseToTheParentsStartToTrust() throws IOException {
        SnapshotResult first = take("snap-1", null);
        // Written within the racy margin before the parent started: same size and mtime may hide new content.
        Manifest racy = new Manifest("snap-1", "onprem", "datasets", null, WRITTEN.plusMillis(500),
                first.manifest().chunking(), first.manifest().entries());

        SnapshotResult second = take("snap-2", racy);

        assertEquals(FILES, second.filesRead());
        assertEquals(0, second.bytesUploaded());
    }

    private SnapshotResult take(String snapshotId, Manifest parent) {
        return taker.take(request(snapshotId), parent);
    }

    private SnapshotTaker.Request request(String snapshotId) {
        return new SnapshotTaker.Request(snapshotId, "onprem", "datasets", null, filesystem);
    }

    private static ManifestEntry entry(SnapshotResult result, String path) {
        return result.manifest().entries().stream().filter(e -> e.path().equals(path)).findFirst().orElseThrow();
    }
}
