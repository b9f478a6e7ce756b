package io.spillway.snapshot.posix;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.spillway.snapshot.domain.EntryType;
import io.spillway.snapshot.domain.FixedSizeChunker;
import io.spillway.snapshot.domain.FixedSizeChunkerTest;
import io.spillway.snapshot.domain.InMemoryStore;
import io.spillway.snapshot.domain.Manifest;
import io.spillway.snapshot.domain.ManifestEntry;
import io.spillway.snapshot.domain.Progress;
import io.spillway.snapshot.domain.ProgressAssertions;
import io.spillway.snapshot.domain.SnapshotException;
import io.spillway.snapshot.domain.SnapshotException.Reason;
import io.spillway.snapshot.domain.SnapshotResult;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnapshotTakerTest {

    private static final int MIB = 1024 * 1024;
    private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");

    @TempDir
    Path filesystem;

    private final InMemoryStore store = new InMemoryStore();
    private final SnapshotTaker taker = new SnapshotTaker(new FixedSizeChunker(), store, store,
            Clock.fixed(NOW, ZoneOffset.UTC));
    private byte[] big;

    @BeforeEach
    void fillFilesystem() throws IOException {
        Files.createDirectories(filesystem.resolve("imagenet/train"));
        Files.writeString(filesystem.resolve("README.md"), "hello", StandardCharsets.UTF_8);
        big = FixedSizeChunkerTest.random(9 * MIB + 123);
        Files.write(filesystem.resolve("imagenet/train/shard-0.bin"), big);
        Files.write(filesystem.resolve("imagenet/empty.txt"), new byte[0]);
        Files.createSymbolicLink(filesystem.resolve("latest"), Path.of("imagenet/train"));
        Files.setPosixFilePermissions(filesystem.resolve("README.md"), PosixFilePermissions.fromString("rw-r-----"));
        Files.setLastModifiedTime(filesystem.resolve("README.md"), FileTime.from(Instant.parse("2024-05-06T07:08:09Z")));
    }

    @Test
    void describesEveryFileDirectoryAndSymlinkSortedByPath() {
        Manifest manifest = take("snap-1").manifest();

        assertEquals(List.of("README.md", "imagenet", "imagenet/empty.txt", "imagenet/train",
                "imagenet/train/shard-0.bin", "latest"), manifest.entries().stream().map(ManifestEntry::path).toList());
        Map<String, ManifestEntry> byPath = byPath(manifest);
        assertEquals(EntryType.DIR, byPath.get("imagenet").type());
        assertEquals(EntryType.FILE, byPath.get("README.md").type());
        assertEquals(0640, byPath.get("README.md").mode());
        assertEquals(5, byPath.get("README.md").size());
        assertEquals(Instant.parse("2024-05-06T07:08:09Z"), byPath.get("README.md").mtime());
        assertEquals(3, manifest.files(), "README.md, empty.txt and shard-0.bin");
        assertEquals(5 + big.length, manifest.bytes());
        assertEquals(NOW, manifest.createdAt());
        assertEquals(new Manifest.Chunking("fixed", 4 * MIB), manifest.chunking());
    }

    @Test
    void storesChunksInPathOrderWhateverOrderTheDirectoriesListTheirFiles() throws IOException {
        // Created in a shuffled order: a directory lists its entries in creation or hash order, not by name. A
        // restore asks for chunks by path, so the store should hold them that way, neighbours side by side.
        Path tree = Files.createDirectories(filesystem.resolve("tree"));
        List<String> paths = new ArrayList<>();
        for (String directory : List.of("alpha", "beta", "gamma")) {
            for (int i = 0; i < 12; i++) {
                paths.add(directory + "/file-" + (char) ('a' + i) + ".bin");
            }
        }
        List<String> shuffled = new ArrayList<>(paths);
        Collections.shuffle(shuffled, new Random(11));
        for (String path : shuffled) {
            Files.createDirectories(tree.resolve(path).getParent());
            Files.writeString(tree.resolve(path), "content of " + path, StandardCharsets.UTF_8);
        }

        taker.take(new SnapshotTaker.Request("snap-order", "onprem", "datasets", null, tree));

        List<String> stored = store.writes.stream().filter(w -> w.startsWith("chunk:")).map(w -> w.substring(6))
                .toList();
        assertEquals(paths.stream().map(p -> sha256(("content of " + p).getBytes(StandardCharsets.UTF_8)))
                .toList(), stored, "chunks in path order");
    }

    @Test
    void recordsASymlinkWithItsTargetWithoutFollowingIt() {
        ManifestEntry link = byPath(take("snap-1").manifest()).get("latest");

        assertEquals(EntryType.SYMLINK, link.type());
        assertEquals("imagenet/train", link.target());
        assertTrue(link.chunks().isEmpty());
        // Not followed: the directory it points to appears once, under its own path.
        assertEquals(1, take("snap-2").manifest().entries().stream()
                .filter(e -> e.path().endsWith("shard-0.bin")).count());
    }

    @Test
    void namesEachFileByTheSha256OfItsChunks() {
        Map<String, ManifestEntry> byPath = byPath(take("snap-1").manifest());

        assertEquals(List.of(sha256("hello".getBytes(StandardCharsets.UTF_8))), byPath.get("README.md").chunks());
        assertEquals(List.of(sha256(slice(big, 0, 4 * MIB)), sha256(slice(big, 4 * MIB, 8 * MIB)),
                sha256(slice(big, 8 * MIB, big.length))), byPath.get("imagenet/train/shard-0.bin").chunks());
        assertEquals(List.of(), byPath.get("imagenet/empty.txt").chunks());
        assertNull(byPath.get("README.md").target());
    }

    @Test
    void storesEveryChunkSoEachFileReassemblesExactly() {
        ManifestEntry shard = byPath(take("snap-1").manifest()).get("imagenet/train/shard-0.bin");

        ByteArrayOutputStream reassembled = new ByteArrayOutputStream();
        shard.chunks().forEach(hash -> reassembled.writeBytes(store.chunks.get(hash)));
        assertArrayEquals(big, reassembled.toByteArray());
    }

    @Test
    void countsUploadsAndWritesTheManifestLast() {
        SnapshotResult result = take("snap-1");

        assertEquals(4, result.chunksNew());
        assertEquals(0, result.chunksReused());
        assertEquals(5 + big.length, result.bytesScanned());
        assertEquals(5 + big.length, result.bytesUploaded());
        assertEquals("snapshots/datasets/snap-1.json", result.locator());
        assertEquals(result.locator(), store.writes.get(store.writes.size() - 1));
        assertEquals(5, store.writes.size());
    }

    @Test
    void uploadsNothingNewForAnUnchangedFilesystem() {
        take("snap-1");

        SnapshotResult second = take("snap-2");

        assertEquals(0, second.chunksNew());
        assertEquals(4, second.chunksReused());
        assertEquals(0, second.bytesUploaded());
        assertEquals(5 + big.length, second.bytesScanned());
        assertEquals(4, store.chunks.size());
    }

    @Test
    void uploadsARepeatedChunkOnceAndAsksTheStoreOnce() throws IOException {
        Files.writeString(filesystem.resolve("copy-of-readme"), "hello", StandardCharsets.UTF_8);

        SnapshotResult result = take("snap-1");

        assertEquals(4, result.chunksNew());
        assertEquals(1, result.chunksReused());
        assertEquals(4, store.heads, "the second 'hello' is known from this snapshot");
    }

    @Test
    void snapshotsAPathInsideTheFilesystem() {
        SnapshotResult result = taker.take(new SnapshotTaker.Request("snap-1", "onprem", "datasets", "imagenet/train",
                filesystem.resolve("imagenet/train")));

        assertEquals(List.of("shard-0.bin"), result.manifest().entries().stream().map(ManifestEntry::path).toList());
        assertEquals("imagenet/train", result.manifest().path());
    }

    @Test
    void snapshotsASingleFileUnderItsOwnName() {
        SnapshotResult result = taker.take(new SnapshotTaker.Request("snap-1", "onprem", "datasets", "README.md",
                filesystem.resolve("README.md")));

        assertEquals(List.of("README.md"), result.manifest().entries().stream().map(ManifestEntry::path).toList());
    }

    @Test
    void failsWithFilesystemNotFoundWhenTheDirectoryIsMissing() {
        SnapshotException error = assertThrows(SnapshotException.class, () -> taker.take(new SnapshotTaker.Request(
                "snap-1", "onprem", "datasets", null, filesystem.resolve("missing"))));

        assertEquals(Reason.FILESYSTEM_NOT_FOUND, error.reason());
        assertTrue(store.writes.isEmpty(), "nothing is written for a snapshot that fails");
    }

    @Test
    void reportsProgressPerChunkThatNeverGoesDownAndEndsAtEveryFileFound() {
        List<Progress> reports = new ArrayList<>();

        SnapshotResult result = taker.take(new SnapshotTaker.Request("snap-1", "onprem", "datasets", null,
                filesystem), null, reports::add);

        ProgressAssertions.assertNeverGoesDown(reports);
        long bytes = big.length + 5;
        assertEquals(bytes, result.manifest().bytes());
        assertEquals(new Progress(3, 3, bytes, bytes), reports.get(reports.size() - 1));
        assertTrue(reports.stream().anyMatch(p -> p.bytesDone() > 0 && p.bytesDone() < big.length
                && p.filesDone() < 3), "the big file's chunks are reported as they are read: " + reports);
    }

    private SnapshotResult take(String snapshotId) {
        return taker.take(new SnapshotTaker.Request(snapshotId, "onprem", "datasets", null, filesystem));
    }

    private static Map<String, ManifestEntry> byPath(Manifest manifest) {
        return manifest.entries().stream().collect(Collectors.toMap(ManifestEntry::path, Function.identity()));
    }

    private static byte[] slice(byte[] bytes, int from, int to) {
        return Arrays.copyOfRange(bytes, from, to);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
