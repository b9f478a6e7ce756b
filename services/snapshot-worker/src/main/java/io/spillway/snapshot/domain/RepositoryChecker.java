package io.spillway.snapshot.domain;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.spillway.snapshot.domain.CheckProblem.AffectedSnapshot;
import io.spillway.snapshot.domain.CheckProblem.Kind;
import io.spillway.snapshot.domain.CheckableStore.Absent;
import io.spillway.snapshot.domain.CheckableStore.Found;
import io.spillway.snapshot.domain.CheckableStore.ManifestRead;
import io.spillway.snapshot.domain.CheckableStore.Unreadable;

/**
 * Checks a repository as {@code restic check} does ({@code --read-data} with {@code readData}): the store checks its
 * packs and indexes, then every manifest is read and every chunk it names looked up, so each damaged pack or chunk is
 * reported with the snapshots and files that need it. Blocking.
 *
 * <p>
 * The order makes a concurrent snapshot or deletion harmless (garbage collection is kept out by the caller's lease):
 * the catalogue is read first, so every snapshot it calls uploaded has a manifest by then; the manifests are listed
 * before the store lists its indexes, so the index of every listed manifest's chunks is listed too; the indexes are
 * listed before the packs, so every pack they name is. What a concurrent snapshot adds later is not checked, and its
 * packs uploaded before their index show as unindexed, which is not damage.
 */
public final class RepositoryChecker {

    private final CheckableStore store;
    private final ManifestStore manifests;
    private final UploadedSnapshots catalogue;

    public RepositoryChecker(CheckableStore store, ManifestStore manifests, UploadedSnapshots catalogue) {
        this.store = store;
        this.manifests = manifests;
        this.catalogue = catalogue;
    }

    /** The snapshots a catalogue holds as uploaded, which must have a readable manifest. */
    @FunctionalInterface
    public interface UploadedSnapshots {
        /** @return each uploaded snapshot's locator, by snapshot id */
        Map<String, String> locators();
    }

    public CheckReport check(boolean readData) {
        long started = System.nanoTime();
        Map<String, String> catalogued = catalogue.locators();
        List<String> listed = manifests.list();
        StoreCheck stored = store.verify(readData);

        Attribution attribution = new Attribution(stored);
        long manifestsChecked = 0;
        for (String locator : listed) {
            manifestsChecked += attribution.read(locator, store.readManifest(locator)) ? 1 : 0;
        }
        Set<String> listedLocators = new HashSet<>(listed);
        Map<String, String> unlisted = new TreeMap<>();
        catalogued.forEach((snapshotId, locator) -> {
            if (locator != null && !listedLocators.contains(locator)) {
                unlisted.put(snapshotId, locator);
            }
        });
        Map<String, String> absent = new TreeMap<>();
        for (Map.Entry<String, String> snapshot : unlisted.entrySet()) {
            ManifestRead read = store.readManifest(snapshot.getValue());
            if (read instanceof Absent) {
                absent.put(snapshot.getKey(), snapshot.getValue());
            } else if (attribution.read(snapshot.getValue(), read)) {
                manifestsChecked++;
            }
        }
        if (!absent.isEmpty()) {
            // A deletion removes the manifest before it marks the row: only a row still uploaded now is missing one.
            Map<String, String> stillUploaded = catalogue.locators();
            absent.forEach((snapshotId, locator) -> {
                if (locator.equals(stillUploaded.get(snapshotId))) {
                    attribution.manifestProblem(Kind.MANIFEST_MISSING, snapshotId, locator, "Snapshot " + snapshotId
                            + " is uploaded in the catalogue, and the store has no manifest at " + locator);
                }
            });
        }
        List<CheckProblem> problems = attribution.problems();
        Set<String> damaged = new TreeSet<>();
        problems.forEach(problem -> problem.snapshots().forEach(snapshot -> damaged.add(snapshot.snapshotId())));
        long durationMs = (System.nanoTime() - started) / 1_000_000;
        return new CheckReport(problems.isEmpty(), readData, stored.packsChecked(), stored.chunksChecked(),
                manifestsChecked, stored.bytesRead(), durationMs, problems, List.copyOf(damaged),
                stored.unindexedPacks());
    }

    /** The problems found, each with the snapshots and files that need what it names. */
    private static final class Attribution {

        private final StoreCheck stored;
        /** Every problem in the order reported, with the files of each snapshot that need it. */
        private final Map<CheckProblem, Map<String, Files>> affected = new IdentityHashMap<>();
        private final List<CheckProblem> order = new ArrayList<>();
        /** The problem of each chunk a manifest names and no index places, one per chunk. */
        private final Map<String, CheckProblem> missing = new LinkedHashMap<>();

        Attribution(StoreCheck stored) {
            this.stored = stored;
            stored.problems().forEach(this::add);
        }

        private void add(CheckProblem problem) {
            affected.put(problem, new TreeMap<>());
            order.add(problem);
        }

        /** @return whether a manifest was read (readable or not) */
        boolean read(String locator, ManifestRead read) {
            if (read instanceof Found found) {
                attribute(locator, found.manifest());
                return true;
            }
            if (read instanceof Unreadable unreadable) {
                String snapshotId = snapshotIdOf(locator);
                manifestProblem(Kind.MANIFEST_UNREADABLE, snapshotId, locator, "The manifest of snapshot "
                        + snapshotId + " at " + locator + " is not readable: " + unreadable.message());
                return true;
            }
            return false; // deleted since it was listed: it names nothing any more
        }

        private void attribute(String locator, Manifest manifest) {
            for (ManifestEntry entry : manifest.entries()) {
                for (String chunk : entry.chunks()) {
                    CheckProblem problem = stored.unusable().get(chunk);
                    if (problem == null && !stored.indexed().contains(chunk)) {
                        problem = missing.computeIfAbsent(chunk, hash -> {
                            CheckProblem created = CheckProblem.of(Kind.CHUNK_MISSING, "Chunk " + hash
                                    + " is named by a manifest and placed in no pack by any index", null, hash, null);
                            add(created);
                            return created;
                        });
                    }
                    if (problem != null) {
                        affected.get(problem).computeIfAbsent(manifest.snapshotId(), id -> new Files(locator)).paths
                                .add(entry.path());
                    }
                }
            }
        }

        void manifestProblem(Kind kind, String snapshotId, String locator, String message) {
            CheckProblem problem = CheckProblem.of(kind, message, null, null, null);
            add(problem);
            affected.get(problem).put(snapshotId, new Files(locator));
        }

        List<CheckProblem> problems() {
            List<CheckProblem> problems = new ArrayList<>();
            for (CheckProblem problem : order) {
                List<AffectedSnapshot> snapshots = new ArrayList<>();
                affected.get(problem).forEach((snapshotId, files) -> snapshots.add(new AffectedSnapshot(snapshotId,
                        files.locator, files.paths.size(), files.paths.stream()
                                .limit(AffectedSnapshot.MAX_PATHS).toList())));
                problems.add(new CheckProblem(problem.kind(), problem.message(), problem.pack(), problem.chunk(),
                        problem.index(), snapshots));
            }
            return problems;
        }

        /** {@code snapshots/<filesystem>/<snapshotId>.json}: the id is the file name. */
        private static String snapshotIdOf(String locator) {
            String name = locator.substring(locator.lastIndexOf('/') + 1);
            return name.endsWith(".json") ? name.substring(0, name.length() - ".json".length()) : name;
        }
    }

    /** The files of one snapshot that need one damaged thing. */
    private static final class Files {
        final String locator;
        final Set<String> paths = new TreeSet<>();

        Files(String locator) {
            this.locator = locator;
        }
    }
}
