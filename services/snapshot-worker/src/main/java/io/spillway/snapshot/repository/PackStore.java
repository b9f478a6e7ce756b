package io.spillway.snapshot.repository;

import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.spillway.snapshot.domain.CheckableStore;
import io.spillway.snapshot.domain.ChunkStore;
import io.spillway.snapshot.domain.GcResult;
import io.spillway.snapshot.domain.Manifest;
import io.spillway.snapshot.domain.ManifestStore;
import io.spillway.snapshot.domain.SnapshotException;
import io.spillway.snapshot.domain.SnapshotException.Reason;
import io.spillway.snapshot.domain.SnapshotLayout;
import io.spillway.snapshot.domain.StoreCheck;

/**
 * The snapshots in an object store, laid out as restic lays out its repository:
 * <ul>
 * <li>{@code config}: the format and whether the repository is encrypted ({@link RepositoryConfig});</li>
 * <li>{@code packs/<xx>/<id>}: chunks packed together, about {@link #DEFAULT_PACK_SIZE} per object, each chunk sealed
 * on its own so a restore can fetch one slice; a dataset of many small files costs a few PUTs, not one each
 * ({@link PackWriter}, {@link PackReader});</li>
 * <li>{@code index/<id>}: which chunk is at which offset of which pack ({@link PackIndex}). Written after its packs and
 * before any manifest that names their chunks, so a readable manifest only names indexed chunks;</li>
 * <li>{@code snapshots/<filesystem>/<id>.json}: the manifests, sealed like everything else.</li>
 * </ul>
 * Garbage collection rewrites packs and the index ({@link Repacker}).
 */
public class PackStore implements ChunkStore, ManifestStore, CheckableStore {

    public static final String CONFIG_KEY = RepositoryConfig.KEY;
    public static final String FORMAT = RepositoryConfig.FORMAT;
    public static final int DEFAULT_PACK_SIZE = 16 * 1024 * 1024;
    public static final int DEFAULT_UPLOAD_THREADS = 4;

    private final ObjectStore objects;
    private final Sealer sealer;
    private final RepositoryConfig config;
    private final PackIndex index;
    private final PackWriter writer;
    private final PackReader reader;
    private final Repacker repacker;
    private final PackChecker checker;

    public PackStore(ObjectStore objects, Sealer sealer) {
        this(objects, sealer, DEFAULT_PACK_SIZE, DEFAULT_UPLOAD_THREADS);
    }

    public PackStore(ObjectStore objects, Sealer sealer, int packSize, int uploadThreads) {
        this.objects = objects;
        this.sealer = sealer;
        this.config = new RepositoryConfig(objects, sealer);
        this.index = new PackIndex(objects, sealer, config);
        this.writer = new PackWriter(objects, sealer, index, packSize, uploadThreads);
        this.reader = new PackReader(objects, sealer, index, config);
        this.repacker = new Repacker(objects, index, writer);
        this.checker = new PackChecker(objects, sealer, config);
    }

    /** Stops the upload threads; a flush should come first. */
    public void close() {
        writer.close();
    }

    public boolean encrypted() {
        return sealer.encrypts();
    }

    // ---- ChunkStore -------------------------------------------------------------------------------------------

    /**
     * Forgets every chunk no index object names (left by an earlier snapshot that failed before or during its flush),
     * then loads the indexes this worker has not seen; when one it loaded is gone (garbage collection replaced them),
     * every index again. Called at the start of every snapshot, under its lease.
     */
    @Override
    public void prepare() {
        writer.discardUnindexed();
        index.load(false);
    }

    @Override
    public boolean contains(String sha256) {
        return index.contains(sha256);
    }

    @Override
    public void put(String sha256, byte[] data, int length) {
        config.check();
        writer.put(sha256, data, length);
    }

    @Override
    public void flush() {
        writer.flush();
    }

    @Override
    public Optional<byte[]> fetch(String sha256) {
        return Optional.ofNullable(fetchAll(List.of(sha256)).get(sha256));
    }

    @Override
    public Map<String, byte[]> fetchAll(Collection<String> hashes) {
        return reader.fetchAll(hashes);
    }

    @Override
    public void read(Collection<String> hashes, ChunkSink sink) {
        reader.read(hashes, sink);
    }

    @Override
    public ReadPlan plan(Collection<String> hashes) {
        return reader.plan(hashes);
    }

    /** Where a chunk is stored, as this worker's index says; for tools and tests that inspect the bucket. */
    public Optional<BlobLocation> locate(String sha256) {
        return Optional.ofNullable(index.locate(List.of(sha256)).get(sha256));
    }

    // ---- ManifestStore ----------------------------------------------------------------------------------------

    @Override
    public String put(Manifest manifest) {
        config.check();
        String key = SnapshotLayout.manifestKey(manifest.filesystem(), manifest.snapshotId());
        byte[] plain = ManifestJson.write(manifest);
        objects.put(key, sealer.seal(plain, 0, plain.length, "manifest"));
        return key;
    }

    @Override
    public Optional<Manifest> get(String locator) {
        config.check();
        Optional<byte[]> stored = objects.get(locator);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(ManifestJson.read(sealer.open(stored.get(), 0, stored.get().length, "manifest")));
        } catch (IllegalArgumentException | UncheckedIOException | DateTimeException e) {
            throw new SnapshotException(Reason.OBJECT_STORE, "Manifest " + locator + " is not readable: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public List<String> list() {
        config.check();
        List<String> locators = new ArrayList<>();
        for (ObjectStore.StoredObject object : objects.list(SnapshotLayout.MANIFEST_PREFIX)) {
            if (object.key().endsWith(".json")) {
                locators.add(object.key());
            }
        }
        return locators;
    }

    @Override
    public void delete(String locator) {
        config.check();
        objects.delete(List.of(locator));
    }

    // ---- check ------------------------------------------------------------------------------------------------

    /** Checks packs and indexes as stored, not as this worker's index remembers them ({@link PackChecker}). */
    @Override
    public StoreCheck verify(boolean readData) {
        return checker.verify(readData);
    }

    /** A manifest that does not open or parse is reported; a failing object store still throws. */
    @Override
    public ManifestRead readManifest(String locator) {
        config.check();
        Optional<byte[]> stored = objects.get(locator);
        if (stored.isEmpty()) {
            return new Absent();
        }
        try {
            return new Found(ManifestJson.read(sealer.open(stored.get(), 0, stored.get().length, "manifest")));
        } catch (SnapshotException | IllegalArgumentException | UncheckedIOException | DateTimeException e) {
            return new Unreadable(e.getMessage());
        }
    }

    // ---- garbage collection -----------------------------------------------------------------------------------

    /** Removes the chunks {@code referenced} does not name ({@link Repacker}). */
    @Override
    public GcResult collectGarbage(Set<String> referenced, Instant storedBefore) {
        config.check();
        return repacker.collectGarbage(referenced, storedBefore);
    }
}
