package io.spillway.snapshot.posix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.spillway.snapshot.domain.ChunkStore;
import io.spillway.snapshot.domain.EntryType;
import io.spillway.snapshot.domain.FixedSizeChunker;
import io.spillway.snapshot.domain.FixedSizeChunkerTest;
import io.spillway.snapshot.domain.GcResult;
import io.spillway.snapshot.domain.InMemoryStore;
import io.spillway.snapshot.domain.Manifest;
import io.spillway.snapshot.domain.ManifestEntry;
import io.spillway.snapshot.domain.Progress;
import io.spillway.snapshot.domain.ProgressAssertions;
import io.spillway.snapshot.domain.RestoreListener;
import io.spillway.snapshot.domain.RestoreResult;
import io.spillway.snapshot.domain.SnapshotException;
import io.spillway.snapshot.domain.SnapshotException.Reason;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnapshotRestorerTest {

    private static final int CHUNK = 64 * 1024;

    @TempDir
    Path work;

    private final InMemoryStore store = new InMemoryStore();
    private final SnapshotRestorer restorer = new SnapshotRestorer(store);
    private Path source;
    private Path target;
    private Manifest manifest;

    @BeforeEach
    void snapshotASource() throws IOException {
        source = work.resolve("site-a/datasets");
        target = work.resolve("site-b/datasets");
        Files.createDirectories(source.resolve("imagenet/train"));
        Files.createDirectories(source.resolve("scratch/empty"));
        Files.writeString(source.resolve("README.md"), "hello", StandardCharsets.UTF_8);
        Files.write(source.resolve("imagenet/train/shard-0.bin"), FixedSizeChunkerTest.random(3 * CHUNK + 17));
        Files.write(source.resolve("imagenet/labels.csv"), FixedSizeChunkerTest.random(1000));
        Files.write(source.resolve("run.sh"), "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8));
        Files.setPosixFilePermissions(source.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.setPosixFilePermissions(source.resolve("scratch"), PosixFilePermissions.fromString("rwx------"));
        Files.createSymbolicLink(source.resolve("latest"), Path.of("imagenet/train"));
        Files.createSymbolicLink(source.resolve("escape"), Path.of("../../etc"));
        Instant old = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        try (var files = Files.walk(source)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(file, FileTime.from(old));
            }
        }
        manifest = new SnapshotTaker(new FixedSizeChunker(CHUNK), store, store, Clock.systemUTC())
                .take(new SnapshotTaker.Request("snap-1", "onprem", "datasets", null, source)).manifest();
    }

    @Test
    void rebuildsNestedDirectoriesFilesOfSeveralChunksSymlinksModesAndMtimes() throws IOException {
        RestoreResult result = restore("r-1");

        assertEquals(4, result.files());
        assertEquals(manifest.bytes(), result.bytesWritten());
        assertTrue(manifest.entries().stream().anyMatch(e -> e.chunks().size() == 4), "one file of four chunks");
        for (ManifestEntry entry : manifest.entries()) {
            Path restored = target.resolve(entry.path());
            Path original = source.resolve(entry.path());
            switch (entry.type()) {
                case FILE -> {
                    assertArrayEquals(Files.readAllBytes(original), Files.readAllBytes(restored), entry.path());
                    assertEquals(Files.getLastModifiedTime(original), Files.getLastModifiedTime(restored),
                            entry.path());
                    assertEquals(Files.getPosixFilePermissions(original), Files.getPosixFilePermissions(restored),
                            entry.path());
                }
                case DIR -> {
                    assertTrue(Files.isDirectory(restored), entry.path());
                    assertEquals(Files.getPosixFilePermissions(original), Files.getPosixFilePermissions(restored),
                            entry.path());
                }
                case SYMLINK -> {
                    if (entry.path().equals("latest")) {
                        assertEquals(Path.of("imagenet/train"), Files.readSymbolicLink(restored));
                    }
                }
            }
        }
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                target.resolve("run.sh"))));
        assertTrue(Files.isDirectory(target.resolve("scratch/empty")));
        assertFalse(Files.exists(target.resolve("escape"), LinkOption.NOFOLLOW_LINKS),
                "a symlink leaving the target is not created");
        assertEquals(List.of("escape"), result.skippedSymlinks());
        assertEquals(List.of(), result.conflicts());
        try (var left = Files.list(target.resolve("imagenet/train"))) {
            assertEquals(List.of("shard-0.bin"), left.map(p -> p.getFileName().toString()).toList(),
                    "no temporary file is left behind");
        }
    }

    @Test
    void restoresModesTheUmaskWouldTakeAndReadOnlyFilesAndIndexesThemAsTheyEndUp() throws IOException {
        Path modes = work.resolve("site-a/modes");
        Files.createDirectories(modes);
        Map<String, String> wanted = Map.of("shared.txt", "rw-rw-rw-", "tool", "rwxrwxrwx", "readonly.txt",
                "r--r-----", "private.key", "rw-------");
        for (Map.Entry<String, String> file : wanted.entrySet()) {
            Files.writeString(modes.resolve(file.getKey()), file.getKey(), StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(modes.resolve(file.getKey()), PosixFilePermissions.fromString(file
                    .getValue()));
        }
        Manifest snapshot = new SnapshotTaker(new FixedSizeChunker(CHUNK), store, store, Clock.systemUTC())
                .take(new SnapshotTaker.Request("snap-modes", "onprem", "modes", null, modes)).manifest();
        Path restored = work.resolve("site-b/modes");
        // Dated a minute ahead, so the index it leaves trusts files written just now (RestoreIndexTest).
        SnapshotRestorer restorer = new SnapshotRestorer(store, 4, Clock.offset(Clock.systemUTC(), Duration
                .ofMinutes(1)));

        restorer.restore(new SnapshotRestorer.Request("r-modes", snapshot, restored, List.of()));

        for (Map.Entry<String, String> file : wanted.entrySet()) {
            assertEquals(file.getValue(), PosixFilePermissions.toString(Files.getPosixFilePermissions(restored
                    .resolve(file.getKey()))), file.getKey() + " (the umask takes group and other write at creation)");
            assertEquals(file.getKey(), Files.readString(restored.resolve(file.getKey()), StandardCharsets.UTF_8));
        }
        RestoreResult again = restorer.restore(new SnapshotRestorer.Request("r-modes-2", snapshot, restored,
                List.of()));
        assertEquals(wanted.size(), again.filesTrusted(),
                "the index recorded each file as it ended up, mode given back included: nothing is read again");
    }

    @Test
    void failsNamingTheChunkAndTheFileWhenAChunkIsCorrupt() {
        ManifestEntry shard = entry("imagenet/train/shard-0.bin");
        String bad = shard.chunks().get(2);
        store.chunks.get(bad)[5] ^= 1;

        SnapshotException error = assertThrows(SnapshotException.class, () -> restore("r-1"));

        assertEquals(Reason.CHUNK_CORRUPT, error.reason());
        assertTrue(error.getMessage().contains(bad), error.getMessage());
        assertTrue(error.getMessage().contains("imagenet/train/shard-0.bin"), error.getMessage());
        assertFalse(Files.exists(target.resolve("imagenet/train/shard-0.bin")), "no torn file is visible");
    }

    @Test
    void reassemblesFilesWhoseChunksComeInAnyOrderFromABufferTheStoreOverwrites() throws IOException {
        // A large file whose first chunk recurs in its middle and near its end,
        // and two small files of the same content: every chunk is handed over once, in reverse.
        byte[] block = FixedSizeChunkerTest.random(CHUNK);
        byte[] large = FixedSizeChunkerTest.random(70 * CHUNK + 5);
        System.arraycopy(block, 0, large, 0, CHUNK);
        System.arraycopy(block, 0, large, 20 * CHUNK, CHUNK);
        System.arraycopy(block, 0, large, 66 * CHUNK, CHUNK);
        Files.write(source.resolve("checkpoint.pt"), large);
        Files.write(source.resolve("copy-a.txt"), block);
        Files.write(source.resolve("copy-b.txt"), block);
        manifest = new SnapshotTaker(new FixedSizeChunker(CHUNK), store, store, Clock.systemUTC())
                .take(new SnapshotTaker.Request("snap-2", "onprem", "datasets", null, source)).manifest();
        ChunkStore reversing = new ReadingFrom(store) {
            /** One group: every chunk in one read, handed over last first. */
            @Override
            public ReadPlan plan(Collection<String> hashes) {
                Map<String, Integer> lengths = new HashMap<>();
                for (String hash : hashes) {
                    lengths.put(hash, store.chunks.get(hash).length);
                }
                return new ReadPlan(List.of(List.copyOf(new LinkedHashSet<>(hashes))), lengths);
            }

            @Override
            public void read(Collection<String> hashes, ChunkSink sink) {
                List<String> order = new ArrayList<>(new LinkedHashSet<>(hashes));
                Collections.reverse(order);
                byte[] buffer = new byte[CHUNK + 100];
                for (String hash : order) {
                    byte[] chunk = store.chunks.get(hash);
                    System.arraycopy(chunk, 0, buffer, 100, chunk.length);
                    sink.accept(hash, buffer, 100, chunk.length);
                    Arrays.fill(buffer, (byte) 0x5A); // what a store does with its buffer next
                }
            }
        };

        RestoreResult result = new SnapshotRestorer(reversing).restore(new SnapshotRestorer.Request("r-1", manifest,
                target, List.of()));

        assertArrayEquals(large, Files.readAllBytes(target.resolve("checkpoint.pt")));
        assertArrayEquals(block, Files.readAllBytes(target.resolve("copy-a.txt")));
        assertArrayEquals(block, Files.readAllBytes(target.resolve("copy-b.txt")));
        assertArrayEquals(Files.readAllBytes(source.resolve("imagenet/train/shard-0.bin")),
                Files.readAllBytes(target.resolve("imagenet/train/shard-0.bin")));
        assertEquals(manifest.bytes(), result.bytesWritten());
    }

    @Test
    void aChunkMissingFromTheStoreFailsNamingItAndTheFileAndLeavesNoPartFile() throws IOException {
        ManifestEntry shard = entry("imagenet/train/shard-0.bin");
        String missing = shard.chunks().get(3);
        store.chunks.remove(missing);

        SnapshotException error = assertThrows(SnapshotException.class, () -> restore("r-1"));

        assertEquals(Reason.CHUNK_CORRUPT, error.reason());
        assertTrue(error.getMessage().contains(missing) && error.getMessage().contains("shard-0.bin"),
                error.getMessage());
        try (var left = Files.walk(target)) {
            assertEquals(List.of(), left.filter(path -> path.getFileName().toString().contains(".spillway-"))
                    .toList(), "no part-written file is left");
        }
    }

    @Test
    void aSecondRestoreOfTheSameManifestFetchesNothing() {
        restore("r-1");
        store.gets.clear();

        RestoreResult again = restore("r-2");

        assertEquals(List.of(), store.gets);
        assertEquals(0, again.bytesWritten());
        assertEquals(4, again.filesSkipped());
        assertEquals(manifest.bytes(), again.bytesSkipped());
        assertEquals(List.of(), again.conflicts());
    }

    @Test
    void keepsALocallyModifiedFileAsideAndReportsIt() throws IOException {
        restore("r-1");
        Files.writeString(target.resolve("README.md"), "edited at site B", StandardCharsets.UTF_8);
        Files.writeString(target.resolve("imagenet/labels.csv"), "also edited", StandardCharsets.UTF_8);
        store.gets.clear();

        RestoreResult again = restore("r-2");

        assertEquals(List.of("README.md", "imagenet/labels.csv"), again.conflicts());
        assertEquals("edited at site B", Files.readString(target.resolve(".spillway-conflicts/r-2/README.md")));
        assertEquals("also edited", Files.readString(target.resolve(".spillway-conflicts/r-2/imagenet/labels.csv")));
        assertEquals("hello", Files.readString(target.resolve("README.md")));
        assertEquals(2, store.gets.size(), "only the two changed files are fetched, one chunk each");
    }

    @Test
    void restoresPriorityPathsBeforeAnyOtherFile() {
        ManifestEntry shard = entry("imagenet/train/shard-0.bin");

        new SnapshotRestorer(store, 4).restore(new SnapshotRestorer.Request("r-1", manifest, target,
                List.of("imagenet/train")));

        List<String> fetched = new ArrayList<>(store.gets);
        assertEquals(shard.chunks().stream().collect(Collectors.toSet()),
                Set.copyOf(fetched.subList(0, shard.chunks().size())), "the shard's chunks are fetched first: "
                        + fetched);
        assertEquals(7, fetched.size());
    }

    @Test
    void tellsThePriorityPathsAreReadyWhenEveryPriorityFileIsCompleteAndNoOtherFileIsWritten() throws IOException {
        ManifestEntry shard = entry("imagenet/train/shard-0.bin");
        List<String> readyWith = new ArrayList<>();
        List<String> fetchedWhenReady = new ArrayList<>();
        List<String> otherFilesWhenReady = new ArrayList<>();
        AtomicReference<byte[]> shardWhenReady = new AtomicReference<>();

        new SnapshotRestorer(store, 4).restore(new SnapshotRestorer.Request("r-1", manifest, target,
                List.of("imagenet/train")), new RestoreListener() {
                    @Override
                    public void priorityPathsReady(List<String> priorityPaths) {
                        readyWith.addAll(priorityPaths);
                        fetchedWhenReady.addAll(store.gets);
                        try {
                            shardWhenReady.set(Files.readAllBytes(target.resolve(shard.path())));
                            try (var files = Files.walk(target)) {
                                files.filter(Files::isRegularFile).map(f -> target.relativize(f).toString())
                                        .filter(f -> !f.equals(shard.path())).forEach(otherFilesWhenReady::add);
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                });

        assertEquals(List.of("imagenet/train"), readyWith, "called once, with the request's priority paths");
        assertArrayEquals(Files.readAllBytes(source.resolve(shard.path())), shardWhenReady.get(),
                "the priority file is complete when the paths are said to be ready");
        assertEquals(List.of(), otherFilesWhenReady, "no other file (nor a temporary of one) is written yet");
        assertEquals(Set.copyOf(shard.chunks()), Set.copyOf(fetchedWhenReady),
                "only the priority file's chunks are fetched by then");
        assertEquals("hello", Files.readString(target.resolve("README.md")), "the rest follows");
    }

    @Test
    void doesNotTellPriorityPathsAreReadyWhenThereAreNone() {
        List<List<String>> calls = new ArrayList<>();

        restorer.restore(new SnapshotRestorer.Request("r-1", manifest, target, List.of()), new RestoreListener() {
            @Override
            public void priorityPathsReady(List<String> priorityPaths) {
                calls.add(priorityPaths);
            }
        });

        assertEquals(List.of(), calls);
    }

    @Test
    void reportsProgressThatNeverGoesDownAndEndsAtTheWholeSnapshotCountingFilesInPlaceAsDone() throws IOException {
        Files.createDirectories(target);
        Files.writeString(target.resolve("README.md"), "hello", StandardCharsets.UTF_8);
        List<Progress> reports = Collections.synchronizedList(new ArrayList<>());

        new SnapshotRestorer(store, 4).restore(new SnapshotRestorer.Request("r-1", manifest, target, List.of()),
                new RestoreListener() {
                    @Override
                    public void progress(Progress progress) {
                        reports.add(progress);
                    }
                });

        ProgressAssertions.assertNeverGoesDown(reports);
        for (Progress progress : reports) {
            assertEquals(4, progress.filesTotal(), "the totals are the whole snapshot's from the start");
            assertEquals(manifest.bytes(), progress.bytesTotal());
        }
        assertEquals(new Progress(4, 4, manifest.bytes(), manifest.bytes()), reports.get(reports.size() - 1));
        assertTrue(reports.size() > 4, "reported per chunk, not only per file: " + reports.size());
    }

    @Test
    void refusesAManifestEntryThatClimbsOutOfTheTarget() {
        Manifest evil = new Manifest("snap-x", "onprem", "datasets", null, Instant.now(), manifest.chunking(),
                List.of(ManifestEntry.directory("../outside", 0755, Instant.now())));

        SnapshotException error = assertThrows(SnapshotException.class, () -> restorer.restore(
                new SnapshotRestorer.Request("r-1", evil, target, List.of())));

        assertEquals(Reason.INVALID_REQUEST, error.reason());
        assertFalse(Files.exists(work.resolve("site-b/outside")));
    }

    @Test
    void readsEachGroupTheStorePlansOnceAndWritesAChunkIntoEveryFileThatHoldsIt() throws IOException {
        // Three files are one shared chunk, which a large file holds too; the large file's chunks fall in groups
        // that the pool's threads read at the same time. Each group is read once, each chunk fetched once.
        byte[] block = FixedSizeChunkerTest.random(CHUNK);
        byte[] large = FixedSizeChunkerTest.random(40 * CHUNK + 9);
        System.arraycopy(block, 0, large, 13 * CHUNK, CHUNK);
        Files.write(source.resolve("checkpoint.pt"), large);
        Files.createDirectories(source.resolve("copies"));
        for (String copy : List.of("a.txt", "b.txt", "c.txt")) {
            Files.write(source.resolve("copies").resolve(copy), block);
        }
        manifest = new SnapshotTaker(new FixedSizeChunker(CHUNK), store, store, Clock.systemUTC())
                .take(new SnapshotTaker.Request("snap-2", "onprem", "datasets", null, source)).manifest();
        store.plannedGroups.clear();
        store.reads.clear();

        RestoreResult result = restore("r-1");

        Set<String> unique = manifest.entries().stream().flatMap(e -> e.chunks().stream())
                .collect(Collectors.toSet());
        assertTrue(store.plannedGroups.size() > 10, "the large file alone is 11 groups: " + store.plannedGroups);
        assertEquals(store.plannedGroups.stream().map(HashSet::new).collect(Collectors.toSet()),
                store.reads.stream().map(HashSet::new).collect(Collectors.toSet()), "each planned group read");
        assertEquals(store.plannedGroups.size(), store.reads.size(), "and read once");
        assertEquals(unique.size(), result.chunksFetched());
        for (ManifestEntry entry : manifest.entries()) {
            if (entry.type() == EntryType.FILE) {
                assertArrayEquals(Files.readAllBytes(source.resolve(entry.path())),
                        Files.readAllBytes(target.resolve(entry.path())), entry.path());
            }
        }
    }

    @Test
    void aChunkOfAnotherLengthThanTheStorePlannedFailsNamingItAndLeavesNoPartFile() throws IOException {
        // The store's index is wrong about two chunks of one file, in a way that still adds up to the file's size.
        ManifestEntry shard = entry("imagenet/train/shard-0.bin");
        String longer = shard.chunks().get(1);
        String shorter = shard.chunks().get(2);
        ChunkStore wrongIndex = new ReadingFrom(store) {
            @Override
            public ReadPlan plan(Collection<String> hashes) {
                ReadPlan plan = store.plan(hashes);
                Map<String, Integer> lengths = new HashMap<>(plan.lengths());
                lengths.merge(longer, 1, Integer::sum);
                lengths.merge(shorter, -1, Integer::sum);
                return new ReadPlan(plan.groups(), lengths);
            }

        };

        SnapshotException error = assertThrows(SnapshotException.class, () -> new SnapshotRestorer(wrongIndex)
                .restore(new SnapshotRestorer.Request("r-1", manifest, target, List.of())));

        assertEquals(Reason.CHUNK_CORRUPT, error.reason());
        assertTrue(error.getMessage().contains(longer) || error.getMessage().contains(shorter), error.getMessage());
        assertTrue(error.getMessage().contains("imagenet/train/shard-0.bin"), error.getMessage());
        assertFalse(Files.exists(target.resolve("imagenet/train/shard-0.bin")), "no torn file is visible");
        try (var left = Files.walk(target)) {
            assertEquals(List.of(), left.filter(path -> path.getFileName().toString().contains(".spillway-"))
                    .toList(), "no part-written file is left");
        }
    }

    /** Reads chunks from an in-memory store, for a test that changes how; a restore stores nothing. */
    private abstract static class ReadingFrom implements ChunkStore {
        final InMemoryStore from;

        ReadingFrom(InMemoryStore from) {
            this.from = from;
        }

        @Override
        public void read(Collection<String> hashes, ChunkSink sink) {
            from.read(hashes, sink);
        }

        @Override
        public boolean contains(String sha256) {
            return from.contains(sha256);
        }

        @Override
        public void put(String sha256, byte[] data, int length) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<byte[]> fetch(String sha256) {
            return from.fetch(sha256);
        }

        @Override
        public GcResult collectGarbage(Set<String> referenced, Instant storedBefore) {
            throw new UnsupportedOperationException();
        }
    }

    private RestoreResult restore(String restoreId) {
        return restorer.restore(new SnapshotRestorer.Request(restoreId, manifest, target, List.of()));
    }

    private ManifestEntry entry(String path) {
        return manifest.entries().stream().filter(e -> e.path().equals(path)).findFirst().orElseThrow();
    }
}
