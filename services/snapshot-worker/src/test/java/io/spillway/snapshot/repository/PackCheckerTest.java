package io.spillway.snapshot.repository;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.spillway.snapshot.domain.CheckProblem;
import io.spillway.snapshot.domain.CheckProblem.Kind;
import io.spillway.snapshot.domain.ChunkHash;
import io.spillway.snapshot.domain.SnapshotLayout;
import io.spillway.snapshot.domain.StoreCheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store's half of a repository check, on packs and indexes in memory. */
class PackCheckerTest {

    private static final int PACK = 64 * 1024;
    private static final byte[] KEY = new byte[32];
    static {
        new Random(11).nextBytes(KEY);
    }

    private final InMemoryObjectStore objects = new InMemoryObjectStore();
    private final List<PackStore> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(PackStore::close);
    }

    @Test
    void aSoundRepositoryReadWholeHasNoProblemAndCountsWhatItRead() {
        for (Sealer sealer : List.of(Sealer.none(), Sealer.aes256Gcm(KEY))) {
            InMemoryObjectStore fresh = new InMemoryObjectStore();
            PackStore repository = open(fresh, sealer);
            Map<String, byte[]> chunks = store(repository, 20, 10_000);

            StoreCheck check = repository.verify(true);

            assertEquals(List.of(), check.problems());
            assertEquals(chunks.keySet(), check.indexed());
            assertEquals(20, check.chunksChecked());
            long packBytes = fresh.list(SnapshotLayout.PACK_PREFIX).stream().mapToLong(o -> o.size()).sum();
            assertEquals(packBytes, check.bytesRead(), "every pack read whole");
            assertEquals(fresh.keys(SnapshotLayout.PACK_PREFIX).size(), check.packsChecked());
        }
    }

    @Test
    void aFlippedByteIsFoundByReadingDataOnlyAndNamesItsPackAndChunk() {
        for (Sealer sealer : List.of(Sealer.none(), Sealer.aes256Gcm(KEY))) {
            InMemoryObjectStore fresh = new InMemoryObjectStore();
            PackStore repository = open(fresh, sealer);
            Map<String, byte[]> chunks = store(repository, 5, 10_000);
            String victim = chunks.keySet().iterator().next();
            BlobLocation location = repository.locate(victim).orElseThrow();
            fresh.objects.get(location.pack())[(int) location.offset() + location.length() / 2] ^= 0x40;

            assertEquals(List.of(), repository.verify(false).problems(), "structure alone cannot see it");
            StoreCheck check = repository.verify(true);

            assertEquals(1, check.problems().size(), check::toString);
            CheckProblem problem = check.problems().get(0);
            assertEquals(Kind.CHUNK_DAMAGED, problem.kind());
            assertEquals(location.pack(), problem.pack());
            assertEquals(victim, problem.chunk());
            assertEquals(problem, check.unusable().get(victim));
            assertEquals(1, check.unusable().size(), "its neighbours in the pack are sound");
        }
    }

    @Test
    void structureOnlyReadsNoPack() {
        PackStore repository = open(objects, Sealer.none());
        store(repository, 5, 1000);
        objects.gets.clear();

        repository.verify(false);

        assertTrue(objects.gets.stream().noneMatch(key -> key.startsWith(SnapshotLayout.PACK_PREFIX)),
                objects.gets::toString);
    }

    @Test
    void aDeletedPackIsOneProblemThatMakesEachOfItsChunksUnusable() {
        PackStore repository = open(objects, Sealer.none());
        Map<String, byte[]> chunks = store(repository, 30, 10_000);
        String pack = repository.locate(chunks.keySet().iterator().next()).orElseThrow().pack();
        objects.delete(List.of(pack));

        for (boolean readData : List.of(false, true)) {
            StoreCheck check = repository.verify(readData);
            assertEquals(1, check.problems().size());
            CheckProblem problem = check.problems().get(0);
            assertEquals(Kind.PACK_MISSING, problem.kind());
            assertEquals(pack, problem.pack());
            chunks.keySet().forEach(hash -> assertEquals(
                    repository.locate(hash).orElseThrow().pack().equals(pack), check.unusable().get(hash) == problem));
        }
    }

    @Test
    void aTruncatedPackShowsInItsListedSizeWithoutReadingIt() {
        PackStore repository = open(objects, Sealer.none());
        Map<String, byte[]> chunks = store(repository, 3, 1000);
        String pack = objects.keys(SnapshotLayout.PACK_PREFIX).get(0);
        byte[] whole = objects.objects.get(pack);
        objects.objects.put(pack, java.util.Arrays.copyOf(whole, whole.length - 10));

        StoreCheck check = repository.verify(false);

        assertEquals(1, check.problems().size(), check::toString);
        assertEquals(Kind.CHUNK_DAMAGED, check.problems().get(0).kind());
        assertTrue(check.problems().get(0).message().contains("of a pack of " + (whole.length - 10) + " bytes"));
        assertEquals(chunks.keySet().stream().toList().get(2), check.problems().get(0).chunk(), "the last one");
    }

    @Test
    void anIndexThatDoesNotOpenIsNamedAndAPackNoIndexNamesIsOnlyListed() {
        PackStore repository = open(objects, Sealer.aes256Gcm(KEY));
        store(repository, 3, 1000);
        String index = objects.keys(SnapshotLayout.INDEX_PREFIX).get(0);
        objects.objects.get(index)[20] ^= 1;

        StoreCheck check = repository.verify(false);

        assertEquals(1, check.problems().size());
        assertEquals(Kind.INDEX_UNREADABLE, check.problems().get(0).kind());
        assertEquals(index, check.problems().get(0).index());
        assertTrue(check.indexed().isEmpty());
        assertEquals(objects.keys(SnapshotLayout.PACK_PREFIX), check.unindexedPacks());
    }

    @Test
    void aChunkWithOneSoundCopyIsUsableAndTheDamagedCopyIsStillReported() {
        PackStore repository = open(objects, Sealer.none());
        Map<String, byte[]> chunks = store(repository, 1, 1000);
        String hash = chunks.keySet().iterator().next();
        BlobLocation first = repository.locate(hash).orElseThrow();
        // A second copy, as a collection that crashed after writing its new index and before deleting the old.
        String copy = SnapshotLayout.packKey("f".repeat(32));
        objects.put(copy, objects.objects.get(first.pack()));
        objects.put(SnapshotLayout.INDEX_PREFIX + "copy", PackIndexJson.write(Map.of(hash,
                new BlobLocation(copy, first.offset(), first.length(), first.plainLength()))));
        objects.objects.get(copy)[(int) first.offset()] ^= 1;

        StoreCheck check = repository.verify(true);

        assertEquals(1, check.problems().size());
        assertEquals(copy, check.problems().get(0).pack());
        assertFalse(check.unusable().containsKey(hash), "the other copy restores it");
    }

    private PackStore open(InMemoryObjectStore store, Sealer sealer) {
        PackStore repository = new PackStore(store, sealer, PACK, 2);
        opened.add(repository);
        return repository;
    }

    private static Map<String, byte[]> store(PackStore repository, int count, int size) {
        Map<String, byte[]> chunks = new LinkedHashMap<>();
        Random random = new Random(count * 17L + size);
        for (int i = 0; i < count; i++) {
            byte[] data = new byte[size];
            random.nextBytes(data);
            String hash = ChunkHash.of(data, 0, data.length);
            chunks.put(hash, data);
            repository.put(hash, data, data.length);
        }
        repository.flush();
        return chunks;
    }
}
