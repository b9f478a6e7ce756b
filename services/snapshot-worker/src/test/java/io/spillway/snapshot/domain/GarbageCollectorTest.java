package io.spillway.snapshot.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GarbageCollectorTest {

    private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
    private static final Manifest.Chunking CHUNKING = new Manifest.Chunking("fastcdc", 1 << 20);

    private final InMemoryStore store = new InMemoryStore();

    @Test
    void deletesOnlyChunksNoRemainingManifestNames() {
        String shared = chunk("shared", NOW.minus(Duration.ofHours(2)));
        String onlyOld = chunk("only-old", NOW.minus(Duration.ofHours(2)));
        String onlyNew = chunk("only-new", NOW.minus(Duration.ofHours(1)));
        store.put(manifest("old", shared, onlyOld));
        store.put(manifest("new", shared, onlyNew));
        store.delete(SnapshotLayout.manifestKey("fs", "old"));

        GcResult result = collector(Duration.ZERO).collect();

        assertEquals(Set.of(shared, onlyNew), store.chunks.keySet());
        assertEquals(new GcResult(2, 1, "only-old".length()), result);
    }

    @Test
    void keepsAnUnnamedChunkStoredWithinTheGracePeriod() {
        String torn = chunk("torn read, stored just now", NOW.minus(Duration.ofMinutes(1)));
        String stale = chunk("torn read, stored long ago", NOW.minus(Duration.ofDays(1)));

        collector(Duration.ofMinutes(15)).collect();

        assertEquals(Set.of(torn), store.chunks.keySet());
        assertEquals(false, store.chunks.containsKey(stale));
    }

    @Test
    void withNoManifestsEveryOldChunkGoes() {
        chunk("a", NOW.minus(Duration.ofDays(1)));
        chunk("b", NOW.minus(Duration.ofDays(1)));

        GcResult result = collector(Duration.ZERO).collect();

        assertEquals(2, result.chunksDeleted());
        assertEquals(0, store.chunks.size());
    }

    private GarbageCollector collector(Duration grace) {
        return new GarbageCollector(store, store, Clock.fixed(NOW, ZoneOffset.UTC), grace);
    }

    private String chunk(String content, Instant storedAt) {
        byte[] bytes = content.getBytes();
        String hash = Hashes.sha256(bytes);
        store.now = storedAt;
        store.put(hash, bytes, bytes.length);
        return hash;
    }

    private static Manifest manifest(String id, String... chunks) {
        return new Manifest(id, "onprem", "fs", null, NOW, CHUNKING,
                List.of(ManifestEntry.file("data.bin", 0644, 1, NOW, List.of(chunks))));
    }

    /** SHA-256 in lower-case hex, the chunk naming. */
    private static final class Hashes {
        static String sha256(byte[] bytes) {
            try {
                return java.util.HexFormat.of()
                        .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new AssertionError(e);
            }
        }
    }
}
