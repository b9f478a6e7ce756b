package io.spillway.snapshot.repository;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.spillway.snapshot.domain.FastCdcChunker;
import io.spillway.snapshot.domain.SnapshotException;
import io.spillway.snapshot.domain.SnapshotException.Reason;
import io.spillway.snapshot.domain.SnapshotLayout;
import io.spillway.snapshot.domain.SnapshotResult;
import io.spillway.snapshot.posix.SnapshotRestorer;
import io.spillway.snapshot.posix.SnapshotTaker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PackStoreTest {

    private static final int PACK = 1024 * 1024;
    /** A cut-off after every object the in-memory store stamps by default. */
    private static final java.time.Instant LATER = java.time.Instant.parse("2026-01-01T01:00:00Z");
    private static final byte[] KEY = new byte[32];
    static {
        new Random(7).nextBytes(KEY);
    }

    private final InMemoryObjectStore objects = new InMemoryObjectStore();
    private final List<PackStore> opened = new ArrayList<>();

    @TempDir
    Path scratch;
    /** What is snapshotted. */
    private Path dir;
    /** Where restores go: beside {@link #dir}, inside the scratch directory JUnit deletes. */
    private Path restored;

    @org.junit.jupiter.api.BeforeEach
    void directories() throws IOException {
        dir = Files.createDirectories(scratch.resolve("source"));
        restored = scratch.resolve("restored");
    }

    @AfterEach
    void close() {
        opened.forEach(PackStore::close);
    }

    @Test
    void packsManySmallChunksIntoFewObjectsAndFindsEachAgain() {
        PackStore repository = open(Sealer.none());
        Map<String, byte[]> chunks = randomChunks(2000, 1024);
        chunks.forEach((hash, data) -> repository.put(hash, data, data.length));
        repository.flush();

        List<String> packs = objects.keys(SnapshotLayout.PACK_PREFIX);
        assertEquals(2, packs.size(), "2000 KiB of chunks in 1 MiB packs: " + packs);
        assertEquals(1, objects.keys(SnapshotLayout.INDEX_PREFIX).size(), "one index for the flush");
        for (Map.Entry<String, byte[]> chunk : chunks.entrySet()) {
            assertArrayEquals(chunk.getValue(), repository.fetch(chunk.getKey()).orElseThrow());
        }
    }

    @Test
    void fetchesNeighbouringChunksOfAPackInOneRequest() {
        PackStore writer = open(Sealer.none());
        Map<String, byte[]> chunks = randomChunks(100, 2048);
        chunks.forEach((hash, data) -> writer.put(hash, data, data.length));
        writer.flush();

        PackStore reader = open(Sealer.none());
        reader.prepare();
        objects.gets.clear();
        Map<String, byte[]> fetched = reader.fetchAll(chunks.keySet());

        assertEquals(chunks.size(), fetched.size());
        chunks.forEach((hash, data) -> assertArrayEquals(data, fetched.get(hash)));
        assertEquals(1, objects.gets.size(), "one ranged GET for 100 neighbours: " + objects.gets);
    }

    @Test
    void readHandsEachChunkOverOnceFromOneReusedBufferAndSkipsWhatIsMissing() {
        PackStore writer = open(Sealer.aes256Gcm(KEY));
        Map<String, byte[]> chunks = randomChunks(50, 3000);
        chunks.forEach((hash, data) -> writer.put(hash, data, data.length));
        writer.flush();
        PackStore reader = open(Sealer.aes256Gcm(KEY));
        reader.prepare();
        List<String> wanted = new ArrayList<>(chunks.keySet());
        wanted.addAll(chunks.keySet()); // each named twice
        wanted.add(sha256("not stored".getBytes(StandardCharsets.UTF_8)));
        objects.gets.clear();

        Map<String, byte[]> handed = new java.util.HashMap<>();
        java.util.Set<byte[]> buffers = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        reader.read(wanted, (hash, data, offset, length) -> {
            buffers.add(data);
            assertEquals(null, handed.put(hash, Arrays.copyOfRange(data, offset, offset + length)),
                    "handed over twice: " + hash);
        });

        assertEquals(chunks.keySet(), handed.keySet());
        chunks.forEach((hash, data) -> assertArrayEquals(data, handed.get(hash)));
        assertEquals(1, buffers.size(), "every chunk opened into the same buffer");
        assertEquals(1, objects.gets.size(), "one ranged GET for 50 neighbours: " + objects.gets);
    }

    @Test
    void plansOneGroupPerRangedGetWithEachChunksPlainLengthAndReadsEachGroupInOneRequest() {
        // 1,800 KiB of chunks (sealed, 28 bytes more each) in 1 MiB packs: two packs, so two groups, however the
        // hashes are ordered.
        PackStore writer = open(Sealer.aes256Gcm(KEY));
        Map<String, byte[]> chunks = randomChunks(1800, 1024);
        chunks.forEach((hash, data) -> writer.put(hash, data, data.length));
        writer.flush();
        PackStore reader = open(Sealer.aes256Gcm(KEY));
        List<String> wanted = new ArrayList<>(chunks.keySet());
        java.util.Collections.shuffle(wanted, new Random(3));
        String unknown = sha256("not stored".getBytes(StandardCharsets.UTF_8));
        wanted.add(unknown);
        wanted.add(wanted.get(0)); // named twice, planned once

        var plan = reader.plan(wanted);

        assertEquals(2, objects.keys(SnapshotLayout.PACK_PREFIX).size());
        assertEquals(2, plan.groups().size(), "one group per pack: " + plan.groups().size());
        List<String> planned = plan.groups().stream().flatMap(List::stream).toList();
        assertEquals(chunks.size(), planned.size());
        assertEquals(chunks.keySet(), new java.util.HashSet<>(planned), "each stored chunk once, the unknown none");
        assertFalse(plan.lengths().containsKey(unknown));
        chunks.forEach((hash, data) -> assertEquals(data.length, plan.lengths().get(hash),
                "the plain length, not the sealed one"));
        for (List<String> group : plan.groups()) {
            objects.gets.clear();
            java.util.Set<String> handed = new java.util.HashSet<>();
            reader.read(group, (hash, data, offset, length) -> handed.add(hash));
            assertEquals(new java.util.HashSet<>(group), handed);
            assertEquals(1, objects.gets.size(), "a group is one ranged GET: " + objects.gets);
        }
    }

    @Test
    void aShortPackHandsOverTheChunksBeforeItsEndAndNotTheRest() {
        PackStore writer = open(Sealer.none());
        Map<String, byte[]> chunks = randomChunks(10, 1000);
        chunks.forEach((hash, data) -> writer.put(hash, data, data.length));
        writer.flush();
        String pack = objects.keys(SnapshotLayout.PACK_PREFIX).get(0);
        int cut = objects.objects.get(pack).length / 2;
        objects.objects.put(pack, Arrays.copyOf(objects.objects.get(pack), cut));

        PackStore reader = open(Sealer.none());
        reader.prepare();
        Map<String, byte[]> fetched = reader.fetchAll(chunks.keySet());

        java.util.Set<String> whole = new java.util.HashSet<>();
        chunks.keySet().stream().filter(hash -> {
            BlobLocation at = reader.locate(hash).orElseThrow();
            return at.offset() + at.length() <= cut;
        }).forEach(whole::add);
        assertTrue(whole.size() >= 4 && whole.size() < 10, "the cut leaves some chunks whole: " + whole.size());
        assertEquals(whole, fetched.keySet());
        fetched.forEach((hash, data) -> assertArrayEquals(chunks.get(hash), data));
    }

    @Test
    void anotherWorkerKnowsWhatIsStoredAfterPrepareAndUploadsNothingAgain() {
        PackStore first = open(Sealer.none());
        Map<String, byte[]> chunks = randomChunks(10, 4096);
        chunks.forEach((hash, data) -> first.put(hash, data, data.length));
        first.flush();
        int puts = objects.puts.size();

        PackStore second = open(Sealer.none());
        second.prepare();
        chunks.keySet().forEach(hash -> assertTrue(second.contains(hash)));
        chunks.forEach((hash, data) -> second.put(hash, data, data.length));
        second.flush();
        assertEquals(puts, objects.puts.size(), "nothing written for chunks the index names");
    }

    @Test
    void aCrashBeforeTheIndexLeavesOrphanPacksThatNoReaderTripsOn() throws IOException {
        Files.writeString(dir.resolve("a.txt"), "alpha");
        Files.write(dir.resolve("b.bin"), randomBytes(300_000, 1));
        PackStore crashing = open(Sealer.none());
        objects.refusePut = key -> key.startsWith(SnapshotLayout.INDEX_PREFIX);
        assertEquals(Reason.OBJECT_STORE, assertThrows(SnapshotException.class, () -> taker(crashing).take(
                new SnapshotTaker.Request("s1", "onprem", "data", null, dir))).reason());
        assertFalse(objects.keys(SnapshotLayout.PACK_PREFIX).isEmpty(), "the packs went up");
        assertTrue(objects.keys(SnapshotLayout.MANIFEST_PREFIX).isEmpty(), "no manifest without its index");

        objects.refusePut = key -> false;
        PackStore restarted = open(Sealer.none());
        SnapshotResult result = taker(restarted).take(new SnapshotTaker.Request("s2", "onprem", "data", null, dir));
        assertEquals(result.bytesScanned(), result.bytesUploaded(), "orphaned chunks are not trusted: stored again");

        PackStore elsewhere = open(Sealer.none());
        Path target = restored;
        new SnapshotRestorer(elsewhere).restore(new SnapshotRestorer.Request("r1",
                elsewhere.get(result.locator()).orElseThrow(), target, List.of()));
        assertArrayEquals(Files.readAllBytes(dir.resolve("b.bin")), Files.readAllBytes(target.resolve("b.bin")));
    }

    @Test
    void aSnapshotAfterAFailedOneStoresAgainWhatNoIndexNamedSinceAnotherWorkersCollectionMayHaveDeletedIt()
            throws IOException {
        Files.write(dir.resolve("b.bin"), randomBytes(300_000, 3));
        PackStore worker = open(Sealer.none());
        objects.refusePut = key -> key.startsWith(SnapshotLayout.INDEX_PREFIX);
        assertThrows(SnapshotException.class, () -> taker(worker).take(
                new SnapshotTaker.Request("s1", "onprem", "data", null, dir)));
        objects.refusePut = key -> false;
        assertFalse(objects.keys(SnapshotLayout.PACK_PREFIX).isEmpty(), "the packs went up, their index did not");
        // Another worker's collection, past the grace: packs no index names are a crashed upload's to it.
        open(Sealer.none()).collectGarbage(java.util.Set.of(), LATER);
        assertTrue(objects.keys(SnapshotLayout.PACK_PREFIX).isEmpty());

        SnapshotResult retry = taker(worker).take(new SnapshotTaker.Request("s2", "onprem", "data", null, dir));

        assertEquals(retry.bytesScanned(), retry.bytesUploaded(), "nothing trusted that no index named");
        PackStore elsewhere = open(Sealer.none());
        new SnapshotRestorer(elsewhere).restore(new SnapshotRestorer.Request("r1",
                elsewhere.get(retry.locator()).orElseThrow(), restored, List.of()));
        assertArrayEquals(Files.readAllBytes(dir.resolve("b.bin")), Files.readAllBytes(restored.resolve("b.bin")));
    }

    @Test
    void aFailedPackUploadFailsTheFlushAndTheChunksAreStoredOnTheNextTry() {
        PackStore repository = open(Sealer.none());
        Map<String, byte[]> chunks = randomChunks(3, 1000);
        objects.refusePut = key -> key.startsWith(SnapshotLayout.PACK_PREFIX);
        chunks.forEach((hash, data) -> repository.put(hash, data, data.length));
        assertEquals(Reason.OBJECT_STORE, assertThrows(SnapshotException.class, repository::flush).reason());
        chunks.keySet().forEach(hash -> assertFalse(repository.contains(hash), "a lost chunk is not claimed"));

        objects.refusePut = key -> false;
        chunks.forEach((hash, data) -> repository.put(hash, data, data.length));
        repository.flush();
        chunks.forEach((hash, data) -> assertArrayEquals(data, repository.fetch(hash).orElseThrow()));
    }

    @Test
    void encryptedRepositoryHoldsNoPlaintextAndRestoresWithItsKey() throws IOException {
        String secret = "patient-record-4711 " + "x".repeat(100);
        Files.writeString(dir.resolve("secret-name.txt"), secret);
        PackStore repository = open(Sealer.aes256Gcm(KEY));
        SnapshotResult result = taker(repository).take(new SnapshotTaker.Request("s1", "onprem", "data", null, dir));

        for (Map.Entry<String, byte[]> object : objects.objects.entrySet()) {
            String text = new String(object.getValue(), StandardCharsets.ISO_8859_1);
            assertFalse(text.contains("patient-record"), "content leaks in " + object.getKey());
            assertFalse(text.contains("secret-name"), "file names leak in " + object.getKey());
            assertFalse(text.contains(sha256(secret.getBytes(StandardCharsets.UTF_8))), "hashes leak in "
                    + object.getKey());
        }

        PackStore elsewhere = open(Sealer.aes256Gcm(KEY));
        Path target = restored;
        new SnapshotRestorer(elsewhere).restore(new SnapshotRestorer.Request("r1",
                elsewhere.get(result.locator()).orElseThrow(), target, List.of()));
        assertEquals(secret, Files.readString(target.resolve("secret-name.txt")));
    }

    @Test
    void aWorkerWithoutTheKeyOrWithAnotherKeyStopsBeforeReadingOrWriting() {
        PackStore repository = open(Sealer.aes256Gcm(KEY));
        repository.put(sha256(new byte[] { 1 }), new byte[] { 1 }, 1);
        repository.flush();

        SnapshotException noKey = assertThrows(SnapshotException.class, () -> open(Sealer.none()).prepare());
        assertEquals(Reason.ENCRYPTION, noKey.reason());
        assertTrue(noKey.getMessage().contains("spillway.snapshot.encryption.key"), noKey.getMessage());

        byte[] otherKey = KEY.clone();
        otherKey[0] ^= 1;
        assertEquals(Reason.ENCRYPTION, assertThrows(SnapshotException.class,
                () -> open(Sealer.aes256Gcm(otherKey)).prepare()).reason());
    }

    @Test
    void aDamagedSealedChunkFailsTheRestoreNamingItsFile() throws IOException {
        Files.write(dir.resolve("weights.bin"), randomBytes(5000, 3));
        PackStore repository = open(Sealer.aes256Gcm(KEY));
        SnapshotResult result = taker(repository).take(new SnapshotTaker.Request("s1", "onprem", "data", null, dir));
        String pack = objects.keys(SnapshotLayout.PACK_PREFIX).get(0);
        objects.objects.get(pack)[20] ^= 0x40;

        PackStore elsewhere = open(Sealer.aes256Gcm(KEY));
        SnapshotException failure = assertThrows(SnapshotException.class,
                () -> new SnapshotRestorer(elsewhere).restore(new SnapshotRestorer.Request("r1",
                        elsewhere.get(result.locator()).orElseThrow(), restored, List.of())));
        assertEquals(Reason.CHUNK_CORRUPT, failure.reason());
        assertTrue(failure.getMessage().contains("weights.bin"), failure.getMessage());
    }

    @Test
    void encryptionCannotBeTurnedOnForAnUnencryptedRepository() {
        PackStore plain = open(Sealer.none());
        plain.prepare();
        assertEquals(Reason.ENCRYPTION, assertThrows(SnapshotException.class,
                () -> open(Sealer.aes256Gcm(KEY)).prepare()).reason());
    }

    @Test
    void garbageCollectionDeletesPacksNoManifestNeedsAndKeepsEveryOtherRestorable() throws IOException {
        Path a = Files.createDirectories(dir.resolve("a"));
        Files.write(a.resolve("only-a.bin"), randomBytes(600_000, 11));
        Files.write(a.resolve("shared.bin"), randomBytes(200_000, 12));
        PackStore repository = open(Sealer.none());
        SnapshotResult first = taker(repository).take(new SnapshotTaker.Request("s1", "onprem", "data", null, a));
        Files.delete(a.resolve("only-a.bin"));
        Files.write(a.resolve("only-b.bin"), randomBytes(300_000, 13));
        SnapshotResult second = taker(repository).take(new SnapshotTaker.Request("s2", "onprem", "data", null, a));
        long before = storedBytes();

        repository.delete(first.locator());
        var result = repository.collectGarbage(referencedBy(repository, second.locator()), LATER);

        assertTrue(result.chunksDeleted() > 0, "only-a.bin's chunks go: " + result);
        assertTrue(result.bytesDeleted() >= 600_000, "its bytes are freed: " + result);
        assertTrue(storedBytes() <= before - 600_000, "the bucket shrinks by at least only-a.bin");
        PackStore elsewhere = open(Sealer.none());
        Path target = restored;
        new SnapshotRestorer(elsewhere).restore(new SnapshotRestorer.Request("r1",
                elsewhere.get(second.locator()).orElseThrow(), target, List.of()));
        assertArrayEquals(Files.readAllBytes(a.resolve("shared.bin")), Files.readAllBytes(target.resolve("shared.bin")));
        assertArrayEquals(Files.readAllBytes(a.resolve("only-b.bin")), Files.readAllBytes(target.resolve("only-b.bin")));
        first.manifest().entries().stream().filter(e -> e.path().equals("only-a.bin")).findFirst().orElseThrow()
                .chunks().forEach(hash -> assertFalse(elsewhere.contains(hash), "a collected chunk is not claimed"));
    }

    @Test
    void aMostlyDeadPackIsRewrittenWithItsLiveChunksOnly() {
        PackStore repository = open(Sealer.aes256Gcm(KEY));
        Map<String, byte[]> chunks = randomChunks(10, 10_000);
        chunks.forEach((hash, data) -> repository.put(hash, data, data.length));
        repository.flush();
        String oldPack = objects.keys(SnapshotLayout.PACK_PREFIX).get(0);
        List<String> live = new ArrayList<>(chunks.keySet()).subList(0, 2);

        var result = repository.collectGarbage(java.util.Set.copyOf(live), LATER);

        assertEquals(2, result.chunksKept());
        assertEquals(8, result.chunksDeleted());
        List<String> packs = objects.keys(SnapshotLayout.PACK_PREFIX);
        assertEquals(1, packs.size());
        assertFalse(packs.contains(oldPack), "the old pack is gone");
        assertTrue(objects.objects.get(packs.get(0)).length < 3 * 10_100, "the new pack holds the live two");
        PackStore reader = open(Sealer.aes256Gcm(KEY));
        reader.prepare();
        live.forEach(hash -> assertArrayEquals(chunks.get(hash), reader.fetch(hash).orElseThrow()));
    }

    @Test
    void packsAndIndexesStoredAfterTheCutOffAreLeftAloneAndOrphansBeforeItGo() {
        PackStore crashed = open(Sealer.none());
        objects.refusePut = key -> key.startsWith(SnapshotLayout.INDEX_PREFIX);
        randomChunks(3, 1000).forEach((hash, data) -> crashed.put(hash, data, data.length));
        assertThrows(SnapshotException.class, crashed::flush);
        objects.refusePut = key -> false;
        String orphan = objects.keys(SnapshotLayout.PACK_PREFIX).get(0);

        PackStore repository = open(Sealer.none());
        objects.now = LATER.plusSeconds(60);
        Map<String, byte[]> running = randomChunks(4, 1000);
        running.forEach((hash, data) -> repository.put(hash, data, data.length));
        repository.flush();

        repository.collectGarbage(java.util.Set.of(), LATER);

        assertFalse(objects.objects.containsKey(orphan), "an old pack no index names is deleted");
        running.forEach((hash, data) -> assertArrayEquals(data, repository.fetch(hash).orElseThrow(),
                "chunks of a snapshot that may still run stay"));
    }

    @Test
    void aWorkerThatLoadedTheIndexBeforeACollectionStillFindsMovedChunksAndForgetsDeletedOnes() {
        PackStore writer = open(Sealer.none());
        Map<String, byte[]> chunks = randomChunks(10, 10_000);
        chunks.forEach((hash, data) -> writer.put(hash, data, data.length));
        writer.flush();
        PackStore stale = open(Sealer.none());
        stale.prepare();
        List<String> hashes = new ArrayList<>(chunks.keySet());

        open(Sealer.none()).collectGarbage(java.util.Set.of(hashes.get(0)), LATER);

        assertArrayEquals(chunks.get(hashes.get(0)), stale.fetch(hashes.get(0)).orElseThrow(), "moved: found");
        stale.prepare();
        assertFalse(stale.contains(hashes.get(1)), "collected: not claimed after prepare");
    }

    private long storedBytes() {
        return objects.objects.values().stream().mapToLong(bytes -> bytes.length).sum();
    }

    private static java.util.Set<String> referencedBy(PackStore repository, String locator) {
        java.util.Set<String> referenced = new java.util.HashSet<>();
        repository.get(locator).orElseThrow().entries().forEach(entry -> referenced.addAll(entry.chunks()));
        return referenced;
    }

    private PackStore open(Sealer sealer) {
        PackStore repository = new PackStore(objects, sealer, PACK, 2);
        opened.add(repository);
        return repository;
    }

    private static SnapshotTaker taker(PackStore repository) {
        return new SnapshotTaker(new FastCdcChunker(), repository, repository, Clock.systemUTC());
    }

    private static Map<String, byte[]> randomChunks(int count, int size) {
        Map<String, byte[]> chunks = new java.util.LinkedHashMap<>();
        Random random = new Random(count * 31L + size);
        for (int i = 0; i < count; i++) {
            byte[] data = new byte[size];
            random.nextBytes(data);
            chunks.put(sha256(data), data);
        }
        return chunks;
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Arrays.copyOf(data,
                    data.length)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
