package io.spillway.snapshot.domain;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Which parent an incremental snapshot is taken against, and which of its files are reused unread. */
class ParentSnapshotTest {

    private static final Instant TAKEN = Instant.parse("2025-03-01T12:00:00Z");
    private static final Instant OLD = TAKEN.minusSeconds(3600);
    private static final Manifest.Chunking CHUNKING = new FixedSizeChunker(64 * 1024).describe();
    private static final ManifestEntry SHARD = ManifestEntry.file("shards/a.bin", 0644, 10, OLD, List.of("c1"));
    private static final Manifest PARENT = new Manifest("snap-1", "onprem", "datasets", null, TAKEN, CHUNKING,
            List.of(ManifestEntry.directory("shards", 0755, OLD), SHARD,
                    ManifestEntry.file("racy.bin", 0644, 10, TAKEN.minusSeconds(1), List.of("c2"))));

    @Test
    void reusesAFileOfTheSameSizeAndMtime() {
        ParentSnapshot parent = ParentSnapshot.of(PARENT, "snap-2", "onprem", "datasets", "", CHUNKING);

        assertEquals("snap-1", parent.snapshotId());
        assertEquals(SHARD, parent.unchanged("shards/a.bin", 10, OLD));
        assertNull(parent.unchanged("shards/a.bin", 11, OLD), "another size");
        assertNull(parent.unchanged("shards/a.bin", 10, OLD.plusNanos(1)), "another mtime");
        assertNull(parent.unchanged("shards/b.bin", 10, OLD), "not in the parent");
        assertNull(parent.unchanged("shards", -1, OLD), "a directory is no file to reuse");
    }

    @Test
    void readsAgainAFileWrittenWithinTheRacyMarginBeforeTheParent() {
        ParentSnapshot parent = ParentSnapshot.of(PARENT, "snap-2", "onprem", "datasets", null, CHUNKING);

        assertNull(parent.unchanged("racy.bin", 10, TAKEN.minusSeconds(1)));
    }

    @Test
    void usesNoParentOfAnotherPlaceChunkingOrItself() {
        Manifest.Chunking other = new FixedSizeChunker(128 * 1024).describe();
        for (ParentSnapshot unusable : List.of(ParentSnapshot.of(null, "snap-2", "onprem", "datasets", null, CHUNKING),
                ParentSnapshot.of(PARENT, "snap-1", "onprem", "datasets", null, CHUNKING),
                ParentSnapshot.of(PARENT, "snap-2", "cloud", "datasets", null, CHUNKING),
                ParentSnapshot.of(PARENT, "snap-2", "onprem", "models", null, CHUNKING),
                ParentSnapshot.of(PARENT, "snap-2", "onprem", "datasets", "shards", CHUNKING),
                ParentSnapshot.of(PARENT, "snap-2", "onprem", "datasets", null, other))) {
            assertNull(unusable.snapshotId());
            assertNull(unusable.unchanged("shards/a.bin", 10, OLD));
        }
    }
}
