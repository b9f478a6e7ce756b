package io.spillway.snapshot.domain;

import java.io.IOException;
import java.time.Instant;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.spillway.snapshot.domain.RestorePlan.Action;
import io.spillway.snapshot.domain.RestorePlan.Existing;
import io.spillway.snapshot.domain.RestorePlan.FileDecision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The restore's plan: what is done in which order, and what each file needs, decided without a disk. */
class RestorePlanTest {

    private static final Instant MTIME = Instant.parse("2025-02-01T08:00:00Z");
    private static final Instant INDEXED = Instant.parse("2025-03-01T12:00:00Z");
    private static final Instant CTIME = INDEXED.minusSeconds(60);
    private static final Manifest.Chunking CHUNKING = new FixedSizeChunker(64 * 1024).describe();

    @Test
    void makesDirectoriesParentsFirstAndFinishesThemChildrenFirst() {
        RestorePlan plan = RestorePlan.of(manifest(dir("data/train"), file("data/train/a", 1), dir("data"),
                link("latest", "data"), dir("logs")), List.of());

        assertEquals(List.of("data", "data/train", "data/train/a", "latest", "logs"), paths(plan.entries()));
        assertEquals(List.of("data", "data/train", "logs"), paths(plan.directories()));
        assertEquals(List.of("logs", "data/train", "data"), paths(plan.directoriesToFinish()));
        assertEquals(List.of("latest"), paths(plan.symlinks()));
    }

    @Test
    void putsTheFilesUnderPriorityPathsBeforeEveryOtherAndCountsThemAll() {
        RestorePlan plan = RestorePlan.of(manifest(file("database/x", 1), file("data/b", 1), file("data/a", 1),
                file("README.md", 1)), List.of("/data/"));

        assertEquals(List.of("data/a", "data/b"), paths(plan.priorityFiles()));
        assertEquals(List.of("README.md", "database/x"), paths(plan.otherFiles()));
        assertEquals(List.of("README.md", "data/a", "data/b", "database/x"), paths(plan.files()));
        assertEquals(List.of("/data/"), plan.priorityPaths());
    }

    @Test
    void withoutPriorityPathsEveryFileIsOfTheRest() {
        RestorePlan plan = RestorePlan.of(manifest(file("a", 1), file("b", 1)), null);

        assertEquals(List.of(), plan.priorityFiles());
        assertEquals(List.of("a", "b"), paths(plan.otherFiles()));
    }

    @Test
    void prefixesMatchWholePathSegments() {
        assertTrue(RestorePlan.isPriority("data/x", List.of("data")));
        assertTrue(RestorePlan.isPriority("data", List.of("/data/")));
        assertFalse(RestorePlan.isPriority("database/x", List.of("data")));
        assertTrue(RestorePlan.isPriority("anything", List.of("/")), "the root covers everything");
    }

    @Test
    void batchesSmallFilesByCountAndBytesAndGivesALargeFileABatchOfItsOwn() {
        List<ManifestEntry> many = Collections.nCopies(RestorePlan.BATCH_FILES + 1, file("small", 10));
        assertEquals(List.of(RestorePlan.BATCH_FILES, 1), RestorePlan.batches(many).stream().map(List::size).toList());

        long mib = 1024 * 1024;
        List<ManifestEntry> mixed = List.of(file("a", mib), file("b", mib), file("large", mib + 1), file("c", mib));
        assertEquals(List.of(List.of("large"), List.of("a", "b", "c")),
                RestorePlan.batches(mixed).stream().map(RestorePlanTest::paths).toList(),
                "a large file does not close the batch of small ones around it");

        List<ManifestEntry> heavy = Collections.nCopies(9, file("one-mib", mib));
        assertEquals(List.of(8, 1), RestorePlan.batches(heavy).stream().map(List::size).toList(),
                "at most " + RestorePlan.BATCH_BYTES + " bytes a batch");
    }

    @Test
    void writesAFileWhereNothingIs() {
        assertEquals(new FileDecision(Action.WRITE, Existing.NONE),
                RestorePlan.decide(file("a", 10), null, RestoreIndex.empty(), true));
    }

    @Test
    void leavesAFileAnEarlierRestoreWroteWithThisContentAndNobodyTouched() throws IOException {
        ManifestEntry entry = file("a", 10);
        RestoreIndex.Local local = new RestoreIndex.Local(10, MTIME, CTIME, 7, 0644);

        assertEquals(Action.IN_PLACE, RestorePlan.decide(entry, local, indexOf(entry, local), true).action());
    }

    @Test
    void replacesAnUntouchedFileOfAnotherSnapshotWithoutKeepingItAside() throws IOException {
        ManifestEntry older = ManifestEntry.file("a", 0644, 10, MTIME, List.of("old"));
        RestoreIndex.Local local = new RestoreIndex.Local(10, MTIME, CTIME, 7, 0644);

        FileDecision decision = RestorePlan.decide(file("a", 10), local, indexOf(older, local), true);

        assertEquals(new FileDecision(Action.COMPARE, Existing.RESTORED), decision,
                "same size: compared first, and replaced without being kept aside if it differs");
        assertEquals(new FileDecision(Action.WRITE, Existing.RESTORED),
                RestorePlan.decide(file("a", 12), local, indexOf(older, local), true));
    }

    @Test
    void comparesALocalFileOfTheSameSizeAndKeepsItAsideIfItDiffers() {
        RestoreIndex.Local local = new RestoreIndex.Local(10, MTIME, CTIME, 7, 0644);

        assertEquals(new FileDecision(Action.COMPARE, Existing.LOCAL),
                RestorePlan.decide(file("a", 10), local, RestoreIndex.empty(), true));
        assertEquals(new FileDecision(Action.WRITE, Existing.LOCAL),
                RestorePlan.decide(file("a", 10), local, RestoreIndex.empty(), false),
                "a chunking this worker cannot cut by: nothing to compare with");
        assertEquals(new FileDecision(Action.WRITE, Existing.LOCAL),
                RestorePlan.decide(file("a", 11), local, RestoreIndex.empty(), true));
    }

    @Test
    void keepsAsideWhatIsNotARegularFile() {
        RestoreIndex.Local directory = new RestoreIndex.Local(-1, Instant.MIN, Instant.MIN, -1, -1);

        assertEquals(new FileDecision(Action.WRITE, Existing.LOCAL),
                RestorePlan.decide(file("a", 0), directory, RestoreIndex.empty(), true));
    }

    private static RestoreIndex indexOf(ManifestEntry entry, RestoreIndex.Local local) throws IOException {
        RestoreIndex.Writer writer = new RestoreIndex.Writer();
        writer.add(entry.path(), entry, local);
        StringBuilder text = new StringBuilder();
        writer.writeTo(text, INDEXED);
        return RestoreIndex.parse(List.of(text.toString().split("\n")));
    }

    private static Manifest manifest(ManifestEntry... entries) {
        return new Manifest("snap-1", "onprem", "datasets", null, INDEXED, CHUNKING, List.of(entries), null);
    }

    private static ManifestEntry file(String path, long size) {
        return ManifestEntry.file(path, 0644, size, MTIME, List.of("c-" + path));
    }

    private static ManifestEntry dir(String path) {
        return ManifestEntry.directory(path, 0755, MTIME);
    }

    private static ManifestEntry link(String path, String target) {
        return ManifestEntry.symlink(path, 0777, MTIME, target);
    }

    private static List<String> paths(List<ManifestEntry> entries) {
        return entries.stream().map(ManifestEntry::path).toList();
    }
}
