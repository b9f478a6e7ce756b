package io.spillway.snapshot.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.spillway.snapshot.domain.CheckProblem.AffectedSnapshot;
import io.spillway.snapshot.domain.CheckProblem.Kind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RepositoryCheckerTest {

    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);
    private static final String C = "c".repeat(64);
    private static final String PACK = "packs/00/" + "0".repeat(32);

    private final CheckedStore store = new CheckedStore();
    private final Map<String, String> catalogue = new LinkedHashMap<>();

    @Test
    void aRepositoryWhoseManifestsNameOnlySoundIndexedChunksIsOk() {
        store.indexed = Set.of(A, B);
        store.put(manifest("s1", file("x.bin", A, B)));
        catalogue.put("s1", locator("s1"));

        CheckReport report = check(true);

        assertTrue(report.ok(), report::toString);
        assertTrue(report.problems().isEmpty());
        assertEquals(1, report.manifestsChecked());
        assertTrue(report.readData());
        assertEquals(List.of(), report.damagedSnapshots());
    }

    @Test
    void aDamagedChunkNamesEverySnapshotAndFileThatNeedsIt() {
        CheckProblem damaged = CheckProblem.of(Kind.CHUNK_DAMAGED, "hashes to something else", PACK, A, null);
        store.indexed = Set.of(A, B);
        store.problems = List.of(damaged);
        store.unusable = Map.of(A, damaged);
        store.put(manifest("s1", file("weights/a.bin", A, B), file("notes.txt", B)));
        store.put(manifest("s2", file("copy.bin", A), file("other.bin", A)));

        CheckReport report = check(true);

        assertFalse(report.ok());
        assertEquals(1, report.problems().size(), "one problem, however many files need the chunk");
        CheckProblem problem = report.problems().get(0);
        assertEquals(Kind.CHUNK_DAMAGED, problem.kind());
        assertEquals(PACK, problem.pack());
        assertEquals(A, problem.chunk());
        assertEquals(List.of(new AffectedSnapshot("s1", locator("s1"), 1, List.of("weights/a.bin")),
                new AffectedSnapshot("s2", locator("s2"), 2, List.of("copy.bin", "other.bin"))), problem.snapshots());
        assertEquals(List.of("s1", "s2"), report.damagedSnapshots());
    }

    @Test
    void aChunkNoIndexPlacesIsMissingOncePerChunk() {
        store.indexed = Set.of(A);
        store.put(manifest("s1", file("a.bin", A, C), file("b.bin", C)));

        CheckReport report = check(false);

        assertEquals(1, report.problems().size());
        CheckProblem problem = report.problems().get(0);
        assertEquals(Kind.CHUNK_MISSING, problem.kind());
        assertEquals(C, problem.chunk());
        assertEquals(List.of("a.bin", "b.bin"), problem.snapshots().get(0).paths());
    }

    @Test
    void aMissingPackIsOneProblemNamingTheFilesOfAllItsChunks() {
        CheckProblem lost = CheckProblem.of(Kind.PACK_MISSING, "gone", PACK, null, null);
        store.indexed = Set.of(A, B);
        store.problems = List.of(lost);
        store.unusable = Map.of(A, lost, B, lost);
        store.put(manifest("s1", file("a.bin", A), file("b.bin", B)));

        CheckProblem problem = check(false).problems().get(0);

        assertEquals(Kind.PACK_MISSING, problem.kind());
        assertEquals(PACK, problem.pack());
        assertEquals(List.of("a.bin", "b.bin"), problem.snapshots().get(0).paths());
    }

    @Test
    void damageNoManifestNeedsIsStillReportedWithNoSnapshot() {
        CheckProblem damaged = CheckProblem.of(Kind.CHUNK_DAMAGED, "garbage, damaged", PACK, C, null);
        store.indexed = Set.of(A, C);
        store.problems = List.of(damaged);
        store.unusable = Map.of(C, damaged);
        store.put(manifest("s1", file("a.bin", A)));

        CheckReport report = check(true);

        assertFalse(report.ok());
        assertEquals(List.of(), report.problems().get(0).snapshots());
        assertEquals(List.of(), report.damagedSnapshots());
    }

    @Test
    void anUnreadableManifestIsNamedByItsSnapshotAndTheCheckGoesOn() {
        store.indexed = Set.of(A);
        store.unreadable.put(locator("broken"), "does not decrypt");
        store.put(manifest("s1", file("a.bin", A)));

        CheckReport report = check(false);

        assertEquals(1, report.problems().size());
        CheckProblem problem = report.problems().get(0);
        assertEquals(Kind.MANIFEST_UNREADABLE, problem.kind());
        assertEquals("broken", problem.snapshots().get(0).snapshotId());
        assertEquals(locator("broken"), problem.snapshots().get(0).locator());
        assertEquals(2, report.manifestsChecked());
    }

    @Test
    void anUploadedSnapshotWithoutAManifestIsMissingUnlessItWasDeletedMeanwhile() {
        store.indexed = Set.of(A);
        store.put(manifest("s1", file("a.bin", A)));
        catalogue.put("s1", locator("s1"));
        catalogue.put("lost", locator("lost"));
        catalogue.put("being-deleted", locator("being-deleted"));
        // The deleter removed the manifest before the check listed them, and marks the row between the two reads.
        List<Map<String, String>> reads = new ArrayList<>();
        RepositoryChecker checker = new RepositoryChecker(store, store, () -> {
            Map<String, String> now = new LinkedHashMap<>(catalogue);
            if (!reads.isEmpty()) {
                now.remove("being-deleted");
            }
            reads.add(now);
            return now;
        });

        CheckReport report = checker.check(false);

        assertEquals(2, reads.size(), "read again only because manifests were missing");
        assertEquals(1, report.problems().size(), report::toString);
        CheckProblem problem = report.problems().get(0);
        assertEquals(Kind.MANIFEST_MISSING, problem.kind());
        assertEquals(List.of(new AffectedSnapshot("lost", locator("lost"), 0, List.of())), problem.snapshots());
    }

    @Test
    void aManifestTheCatalogueKnowsAndTheListingMissedIsCheckedToo() {
        store.indexed = Set.of(A);
        store.put(manifest("late", file("a.bin", C)));
        store.hidden.add(locator("late"));
        catalogue.put("late", locator("late"));

        CheckReport report = check(false);

        assertEquals(1, report.manifestsChecked());
        assertEquals(Kind.CHUNK_MISSING, report.problems().get(0).kind());
        assertEquals("late", report.problems().get(0).snapshots().get(0).snapshotId());
    }

    private CheckReport check(boolean readData) {
        return new RepositoryChecker(store, store, () -> Map.copyOf(catalogue)).check(readData);
    }

    private static String locator(String snapshotId) {
        return SnapshotLayout.manifestKey("data", snapshotId);
    }

    private static Manifest manifest(String snapshotId, ManifestEntry... entries) {
        return new Manifest(snapshotId, "onprem", "data", null, Instant.EPOCH, new Manifest.Chunking("fixed", 4),
                List.of(entries));
    }

    private static ManifestEntry file(String path, String... chunks) {
        return ManifestEntry.file(path, 0644, chunks.length * 4L, Instant.EPOCH, List.of(chunks));
    }

    /** A store whose own findings the test sets, with manifests in memory. */
    private static final class CheckedStore implements CheckableStore, ManifestStore {

        Set<String> indexed = Set.of();
        List<CheckProblem> problems = List.of();
        Map<String, CheckProblem> unusable = Map.of();
        final Map<String, Manifest> manifests = new LinkedHashMap<>();
        final Map<String, String> unreadable = new HashMap<>();
        /** Stored, and left out of the listing (written after it). */
        final List<String> hidden = new ArrayList<>();

        @Override
        public StoreCheck verify(boolean readData) {
            return new StoreCheck(1, indexed.size(), readData ? 100 : 0, indexed, problems, unusable, List.of());
        }

        @Override
        public ManifestRead readManifest(String locator) {
            if (unreadable.containsKey(locator)) {
                return new Unreadable(unreadable.get(locator));
            }
            Manifest manifest = manifests.get(locator);
            return manifest == null ? new Absent() : new Found(manifest);
        }

        @Override
        public String put(Manifest manifest) {
            String locator = locator(manifest.snapshotId());
            manifests.put(locator, manifest);
            return locator;
        }

        @Override
        public Optional<Manifest> get(String locator) {
            return Optional.ofNullable(manifests.get(locator));
        }

        @Override
        public List<String> list() {
            List<String> listed = new ArrayList<>(manifests.keySet());
            listed.addAll(unreadable.keySet());
            listed.removeAll(hidden);
            return listed;
        }

        @Override
        public void delete(String locator) {
            manifests.remove(locator);
        }
    }
}
