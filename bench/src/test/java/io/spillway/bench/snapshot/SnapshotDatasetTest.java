package io.spillway.bench.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dataset every tool is measured on: the same for a seed, the size asked for, and a change of about 1%. */
class SnapshotDatasetTest {

    /** About 21 MiB: 8 large files of ~1.9 MiB and 200 small ones. */
    private static final double SCALE = 0.01;
    private static final Instant CHANGED_AT = Instant.parse("2026-06-01T12:00:00Z");

    @TempDir
    Path temp;

    @Test
    void sameSeedGivesTheSameFilesAndAnotherSeedOtherContent() {
        TreeDigest first = TreeDigest.of(SnapshotDataset.generate(temp.resolve("a"), SCALE, 42).root());
        TreeDigest again = TreeDigest.of(SnapshotDataset.generate(temp.resolve("b"), SCALE, 42).root());
        TreeDigest otherSeed = TreeDigest.of(SnapshotDataset.generate(temp.resolve("c"), SCALE, 43).root());

        assertEquals(first, again);
        assertEquals(List.of(), first.differences(again));
        assertNotEquals(first.files().values(), otherSeed.files().values());
    }

    @Test
    void hasFewLargeAndManySmallFilesCloseToTheScaledSize() throws IOException {
        SnapshotDataset dataset = SnapshotDataset.generate(temp.resolve("data"), SCALE, 42);
        TreeDigest digest = TreeDigest.of(dataset.root());

        assertEquals(SnapshotDataset.LARGE_FILES + 200, digest.files().size());
        assertEquals(dataset.totalBytes(), digest.bytes());
        long large = dataset.largeFiles().stream().mapToLong(SnapshotDatasetTest::size).sum();
        double expectedLarge = SnapshotDataset.LARGE_BYTES_AT_SCALE_1 * SCALE;
        assertTrue(Math.abs(large - expectedLarge) < expectedLarge * 0.15, "large files: " + large);
        assertTrue(dataset.smallFiles().stream().mapToLong(SnapshotDatasetTest::size)
                .allMatch(size -> size >= SnapshotDataset.SMALL_MIN && size <= SnapshotDataset.SMALL_MAX));
        // Scale 1 is about 2.1 GiB: 1.5 GiB of large files and 20,000 small files of 32.5 KiB on average.
        double expectedTotal = 2.12 * 1024 * 1024 * 1024 * SCALE;
        assertTrue(Math.abs(dataset.totalBytes() - expectedTotal) < expectedTotal * 0.15,
                "total: " + dataset.totalBytes());
        assertEquals(SnapshotDataset.TOP_DIRECTORIES + 1, Files.list(dataset.root()).count(),
                "20 directories of small files and large/");
        assertTrue(Files.walk(dataset.root()).filter(Files::isRegularFile).map(SnapshotDatasetTest::mtime)
                .allMatch(SnapshotDataset.GENERATED_MTIME::equals));
    }

    @Test
    void changeRewritesAboutOnePercentInSmallFilesAndTheMiddleOfALargeOne() throws IOException {
        SnapshotDataset dataset = SnapshotDataset.generate(temp.resolve("data"), SCALE, 42);
        TreeDigest before = TreeDigest.of(dataset.root());

        SnapshotDataset.Change change = dataset.change(CHANGED_AT);
        TreeDigest after = TreeDigest.of(dataset.root());

        double share = (double) change.bytes() / dataset.totalBytes();
        assertTrue(share >= 0.009 && share <= 0.012, "changed share " + share);
        assertTrue(change.smallFilesRewritten() >= 1 && change.largeBytesOverwritten() > 0);
        assertEquals(before.files().keySet(), after.files().keySet(), "no file added or removed");
        assertEquals(before.bytes(), after.bytes(), "rewritten in place, sizes kept");
        Set<String> changedContent = before.files().keySet().stream()
                .filter(path -> !before.files().get(path).equals(after.files().get(path)))
                .collect(Collectors.toSet());
        Set<String> newMtime = Files.walk(dataset.root()).filter(Files::isRegularFile)
                .filter(file -> mtime(file).equals(CHANGED_AT))
                .map(file -> dataset.root().relativize(file).toString()).collect(Collectors.toSet());
        assertEquals(change.files(), changedContent.size());
        assertEquals(changedContent, newMtime, "exactly the changed files carry the new mtime");
        assertTrue(changedContent.contains("large/volume-00.bin"));
        long offset = change.largeOffset();
        long largeSize = size(change.largeFile());
        assertTrue(offset > largeSize / 4 && offset + change.largeBytesOverwritten() < largeSize * 3 / 4,
                "a region in the middle: " + offset + " + " + change.largeBytesOverwritten() + " of " + largeSize);
    }

    @Test
    void theChangeIsTheSameForTheSameSeed() {
        SnapshotDataset first = SnapshotDataset.generate(temp.resolve("a"), SCALE, 42);
        SnapshotDataset second = SnapshotDataset.generate(temp.resolve("b"), SCALE, 42);
        first.change(CHANGED_AT);
        second.change(CHANGED_AT);

        Map<String, TreeDigest.FileDigest> firstFiles = TreeDigest.of(first.root()).files();
        assertEquals(firstFiles, TreeDigest.of(second.root()).files());
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Instant mtime(Path file) {
        try {
            FileTime time = Files.getLastModifiedTime(file);
            return time.toInstant();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
