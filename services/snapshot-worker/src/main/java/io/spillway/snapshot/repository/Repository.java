package io.spillway.snapshot.repository;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.spillway.snapshot.domain.ChunkStore;
import io.spillway.snapshot.domain.GcResult;
import io.spillway.snapshot.domain.Manifest;
import io.spillway.snapshot.domain.ManifestStore;
import io.spillway.snapshot.domain.SnapshotException;
import io.spillway.snapshot.domain.SnapshotException.Reason;
import io.spillway.snapshot.domain.SnapshotLayout;

/**
 * A snapshot repository in an object store, laid out as restic lays out its own:
 * <ul>
 * <li>{@code config}: the format and whether the repository is encrypted, with a sealed check value, so a worker
 * with no key or another key stops before it writes anything;</li>
 * <li>{@code packs/<xx>/<id>}: chunks packed together, about {@link #DEFAULT_PACK_SIZE} per object, each chunk
 * sealed on its own so a restore can fetch one slice; a dataset of many small files costs a few PUTs, not one
 * each;</li>
 * <li>{@code index/<id>}: which chunk is at which offset of which pack. Written after its packs and before any
 * manifest that names their chunks, so a readable manifest only names indexed chunks;</li>
 * <li>{@code snapshots/<filesystem>/<id>.json}: the manifests, sealed like everything else.</li>
 * </ul>
 * A worker keeps the whole index in memory (a few dozen bytes per chunk): whether a chunk is stored is a lookup,
 * not a request. Packs are uploaded on a small pool while the caller keeps chunking; {@link #flush()} waits for
 * them and writes their index. A crash before the index leaves packs nobody names: later snapshots upload those
 * chunks again, and garbage collection removes the orphans.
 */
public class Repository implements ChunkStore, ManifestStore {

    public static final String CONFIG_KEY = "config";
    public static final String FORMAT = "spillway.repository.v1";
    public static final int DEFAULT_PACK_SIZE = 16 * 1024 * 1024;
    public static final int DEFAULT_UPLOAD_THREADS = 4;
    /** Slices of one pack closer than this are fetched by one ranged GET, the gap read and dropped. */
    static final int COALESCE_GAP = 256 * 1024;
    /** A coalesced ranged GET never asks for more than this. */
    static final int MAX_RANGE = 32 * 1024 * 1024;
    /** A pack with less than this fraction of live bytes has its live chunks moved to a new pack. */
    static final double REPACK_BELOW = 0.5;
    private static final String CHECK_PLAINTEXT = "spillway repository key check";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /**
     * Each reading thread's buffers for one sealed and one opened chunk, kept between reads: a restore reads
     * hundreds of ranges, and chunks of up to 4 MiB are humongous objects for G1. A thread holds them as long as it
     * lives; a restore's pool ends with the restore.
     */
    private static final ThreadLocal<byte[][]> READ_BUFFERS = ThreadLocal.withInitial(() -> new byte[][] {
            new byte[0], new byte[0] });

    private final ObjectStore objects;
    private final Sealer sealer;
    private final int packSize;
    private final ExecutorService uploads;
    /** Bounds the packs held in memory: the one being filled plus those uploading. */
    private final Semaphore packSlots;

    private final Object lock = new Object();
    /** Chunks named by an index object in the store. */
    private final Map<String, BlobLocation> indexed = new HashMap<>();
    private final Set<String> loadedIndexes = new HashSet<>();
    /** Chunks in uploaded packs that no index object names yet: the next flush writes theirs. */
    private final Map<String, BlobLocation> unindexed = new LinkedHashMap<>();
    /** Chunks in the pack being filled or uploading. */
    private final Set<String> pending = new HashSet<>();
    private PackBuilder open;
    private int uploading;
    private SnapshotException uploadFailure;
    private volatile boolean configChecked;

    public Repository(ObjectStore objects, Sealer sealer) {
        this(objects, sealer, DEFAULT_PACK_SIZE, DEFAULT_UPLOAD_THREADS);
    }

    public Repository(ObjectStore objects, Sealer sealer, int packSize, int uploadThreads) {
        this.objects = objects;
        this.sealer = sealer;
        this.packSize = packSize;
        AtomicInteger threads = new AtomicInteger();
        ThreadFactory factory = runnable -> {
            Thread thread = new Thread(runnable, "pack-upload-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        this.uploads = Executors.newFixedThreadPool(uploadThreads, factory);
        this.packSlots = new Semaphore(uploadThreads + 1);
        this.open = new PackBuilder(packSize);
    }

    /** Stops the upload threads; a flush should come first. */
    public void close() {
        uploads.shutdownNow();
    }

    public boolean encrypted() {
        return sealer.encrypts();
    }

    // ---- ChunkStore -------------------------------------------------------------------------------------------

    @Override
    public void prepare() {
        load(false);
    }

    /**
     * Loads the indexes this worker has not seen. When one it loaded is gone, garbage collection replaced them (and
     * maybe deleted or moved chunks): everything is read again. The new view replaces the old in one step, so a
     * concurrent {@link #contains} never sees an empty index in between.
     */
    private void load(boolean everything) {
        checkConfig();
        Set<String> listed = new HashSet<>();
        for (ObjectStore.StoredObject object : objects.list(SnapshotLayout.INDEX_PREFIX)) {
            listed.add(object.key());
        }
        Set<String> known;
        synchronized (lock) {
            everything = everything || !listed.containsAll(loadedIndexes);
            known = everything ? Set.of() : new HashSet<>(loadedIndexes);
        }
        Map<String, BlobLocation> blobs = new HashMap<>();
        Set<String> read = new HashSet<>();
        for (String key : listed) {
            if (!known.contains(key)) {
                readIndex(key).ifPresent(blobs::putAll);
                read.add(key);
            }
        }
        synchronized (lock) {
            if (everything) {
                indexed.clear();
                loadedIndexes.clear();
            }
            indexed.putAll(blobs);
            loadedIndexes.addAll(read);
        }
    }

    /** @return empty when the index is gone (replaced by garbage collection since it was listed) */
    private Optional<Map<String, BlobLocation>> readIndex(String key) {
        Optional<byte[]> sealed = objects.get(key);
        if (sealed.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(PackIndexJson.read(open(sealed.get(), "index")));
        } catch (IllegalArgumentException e) {
            throw new SnapshotException(Reason.OBJECT_STORE, "Index " + key + " is not readable: " + e.getMessage(),
                    e);
        }
    }

    @Override
    public boolean contains(String sha256) {
        synchronized (lock) {
            return indexed.containsKey(sha256) || unindexed.containsKey(sha256) || pending.contains(sha256);
        }
    }

    @Override
    public void put(String sha256, byte[] data, int length) {
        checkConfig();
        PackBuilder full = null;
        synchronized (lock) {
            if (indexed.containsKey(sha256) || unindexed.containsKey(sha256) || !pending.add(sha256)) {
                return;
            }
            // Sealed later, on the upload thread: the caller's thread is busy enough chunking and hashing.
            open.addPlain(sha256, data, length);
            if (open.size() >= packSize) {
                full = open;
                open = new PackBuilder(packSize);
                uploading++;
            }
        }
        if (full != null) {
            upload(full);
        }
    }

    @Override
    public void flush() {
        PackBuilder last = null;
        synchronized (lock) {
            if (open.size() > 0) {
                last = open;
                open = new PackBuilder(packSize);
                uploading++;
            }
        }
        if (last != null) {
            upload(last);
        }
        Map<String, BlobLocation> toIndex;
        synchronized (lock) {
            while (uploading > 0) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SnapshotException(Reason.OBJECT_STORE, "Interrupted while packs were uploading", e);
                }
            }
            if (uploadFailure != null) {
                SnapshotException failure = uploadFailure;
                uploadFailure = null;
                throw failure;
            }
            toIndex = new LinkedHashMap<>(unindexed);
        }
        if (toIndex.isEmpty()) {
            return;
        }
        String key = SnapshotLayout.INDEX_PREFIX + UUID.randomUUID();
        objects.put(key, seal(PackIndexJson.write(toIndex), "index"));
        synchronized (lock) {
            indexed.putAll(toIndex);
            toIndex.keySet().forEach(unindexed::remove);
            loadedIndexes.add(key);
        }
    }

    @Override
    public Optional<byte[]> fetch(String sha256) {
        return Optional.ofNullable(fetchAll(List.of(sha256)).get(sha256));
    }

    @Override
    public Map<String, byte[]> fetchAll(Collection<String> hashes) {
        Map<String, byte[]> found = new HashMap<>();
        read(hashes, (hash, data, offset, length) -> found.put(hash, Arrays.copyOfRange(data, offset,
                offset + length)));
        return found;
    }

    @Override
    public void read(Collection<String> hashes, ChunkSink sink) {
        Set<String> unique = new LinkedHashSet<>(hashes);
        Map<String, BlobLocation> wanted = locateAll(unique);
        Set<String> delivered = new HashSet<>();
        read(wanted, sink, delivered);
        if (delivered.size() < wanted.size()) {
            // A pack gone: garbage collection moved its live chunks into a new pack since this worker looked.
            prepare();
            Map<String, BlobLocation> moved = locate(unique);
            moved.keySet().removeAll(delivered);
            read(moved, sink, delivered);
        }
    }

    /** Where the chunks are; the store's index is read again first when this worker does not know them all. */
    private Map<String, BlobLocation> locateAll(Set<String> unique) {
        checkConfig();
        Map<String, BlobLocation> wanted = locate(unique);
        if (wanted.size() < unique.size()) {
            prepare(); // written by another worker since this one last looked
            wanted = locate(unique);
        }
        return wanted;
    }

    /**
     * One group per ranged GET {@link #read} would make for these chunks, in the order the packs are first needed
     * and by offset within a pack, with every chunk's plain length: a restore hands the groups to its threads, so
     * each request is made once, whatever order the files that need the chunks come in.
     */
    @Override
    public ReadPlan plan(Collection<String> hashes) {
        Map<String, BlobLocation> wanted = locateAll(new LinkedHashSet<>(hashes));
        Map<String, Integer> lengths = new HashMap<>();
        wanted.forEach((hash, location) -> lengths.put(hash, location.plainLength()));
        List<List<String>> groups = new ArrayList<>();
        for (List<Map.Entry<String, BlobLocation>> range : ranges(wanted)) {
            groups.add(range.stream().map(Map.Entry::getKey).toList());
        }
        return new ReadPlan(groups, lengths);
    }

    /**
     * Reads the chunks pack by pack, neighbours in one ranged GET, and opens each as it streams in: one buffer for
     * the sealed bytes and one for the plain, whatever the number of chunks.
     */
    private void read(Map<String, BlobLocation> wanted, ChunkSink sink, Set<String> delivered) {
        int largest = 0;
        for (BlobLocation location : wanted.values()) {
            largest = Math.max(largest, location.length());
        }
        byte[][] buffers = READ_BUFFERS.get();
        if (buffers[0].length < largest) {
            buffers[0] = new byte[largest];
            buffers[1] = new byte[largest];
        }
        byte[] sealed = buffers[0];
        byte[] plain = buffers[1];
        for (List<Map.Entry<String, BlobLocation>> inRange : ranges(wanted)) {
            BlobLocation first = inRange.get(0).getValue();
            long rangeStart = first.offset();
            long rangeEnd = 0;
            for (Map.Entry<String, BlobLocation> slice : inRange) {
                rangeEnd = Math.max(rangeEnd, slice.getValue().offset() + slice.getValue().length());
            }
            objects.readRange(first.pack(), rangeStart, (int) (rangeEnd - rangeStart), range -> {
                long position = rangeStart;
                for (Map.Entry<String, BlobLocation> slice : inRange) {
                    BlobLocation location = slice.getValue();
                    if (location.offset() < position) {
                        continue; // the same bytes under two hashes: cannot happen in packs we write
                    }
                    if (!skip(range, location.offset() - position)) {
                        return;
                    }
                    int got = range.readNBytes(sealed, 0, location.length());
                    position = location.offset() + got;
                    if (got < location.length()) {
                        return; // a short pack: the chunk is missing, the caller says which file needed it
                    }
                    int length = sealer.open(sealed, 0, location.length(), slice.getKey(), plain);
                    delivered.add(slice.getKey());
                    sink.accept(slice.getKey(), plain, 0, length);
                }
            });
        }
    }

    /**
     * The ranged GETs for these chunks: slices of one pack by offset, neighbours closer than {@link #COALESCE_GAP}
     * in one range of at most {@link #MAX_RANGE}; packs in the order they are first needed.
     */
    private static List<List<Map.Entry<String, BlobLocation>>> ranges(Map<String, BlobLocation> wanted) {
        Map<String, List<Map.Entry<String, BlobLocation>>> byPack = new LinkedHashMap<>();
        for (Map.Entry<String, BlobLocation> entry : wanted.entrySet()) {
            byPack.computeIfAbsent(entry.getValue().pack(), pack -> new ArrayList<>()).add(entry);
        }
        List<List<Map.Entry<String, BlobLocation>>> ranges = new ArrayList<>();
        for (List<Map.Entry<String, BlobLocation>> slices : byPack.values()) {
            slices.sort(Comparator.comparingLong(entry -> entry.getValue().offset()));
            int start = 0;
            while (start < slices.size()) {
                int end = start + 1;
                long rangeStart = slices.get(start).getValue().offset();
                long rangeEnd = rangeStart + slices.get(start).getValue().length();
                while (end < slices.size()) {
                    BlobLocation next = slices.get(end).getValue();
                    long nextEnd = Math.max(rangeEnd, next.offset() + next.length());
                    if (next.offset() - rangeEnd > COALESCE_GAP || nextEnd - rangeStart > MAX_RANGE) {
                        break;
                    }
                    rangeEnd = nextEnd;
                    end++;
                }
                ranges.add(slices.subList(start, end));
                start = end;
            }
        }
        return ranges;
    }

    /** @return false when the stream ended first */
    private static boolean skip(InputStream in, long bytes) throws IOException {
        long left = bytes;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    return false;
                }
                skipped = 1;
            }
            left -= skipped;
        }
        return true;
    }

    /** Where a chunk is stored, as this worker's index says; for tools and tests that inspect the bucket. */
    public Optional<BlobLocation> locate(String sha256) {
        return Optional.ofNullable(locate(List.of(sha256)).get(sha256));
    }

    private Map<String, BlobLocation> locate(Collection<String> hashes) {
        Map<String, BlobLocation> wanted = new LinkedHashMap<>();
        synchronized (lock) {
            for (String hash : hashes) {
                BlobLocation location = indexed.getOrDefault(hash, unindexed.get(hash));
                if (location != null) {
                    wanted.put(hash, location);
                }
            }
        }
        return wanted;
    }

    private void upload(PackBuilder pack) {
        try {
            packSlots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed(pack, new SnapshotException(Reason.OBJECT_STORE, "Interrupted before a pack upload", e));
            return;
        }
        try {
            uploads.execute(() -> {
                try {
                    Map<String, BlobLocation> stored = store(pack);
                    synchronized (lock) {
                        unindexed.putAll(stored);
                        pending.removeAll(pack.hashes());
                        uploading--;
                        lock.notifyAll();
                    }
                } catch (RuntimeException e) {
                    failed(pack, e instanceof SnapshotException snapshot ? snapshot
                            : new SnapshotException(Reason.OBJECT_STORE, "Pack upload failed: " + e.getMessage(), e));
                } finally {
                    packSlots.release();
                }
            });
        } catch (RuntimeException e) {
            packSlots.release();
            failed(pack, new SnapshotException(Reason.OBJECT_STORE, "Pack upload refused: " + e.getMessage(), e));
        }
    }

    private void failed(PackBuilder pack, SnapshotException failure) {
        synchronized (lock) {
            // Its chunks are not stored: a later put must store them again.
            pending.removeAll(pack.hashes());
            if (uploadFailure == null) {
                uploadFailure = failure;
            }
            uploading--;
            lock.notifyAll();
        }
    }

    // ---- ManifestStore ----------------------------------------------------------------------------------------

    @Override
    public String put(Manifest manifest) {
        checkConfig();
        String key = SnapshotLayout.manifestKey(manifest.filesystem(), manifest.snapshotId());
        objects.put(key, seal(ManifestJson.write(manifest), "manifest"));
        return key;
    }

    @Override
    public Optional<Manifest> get(String locator) {
        checkConfig();
        Optional<byte[]> stored = objects.get(locator);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(ManifestJson.read(open(stored.get(), "manifest")));
        } catch (IllegalArgumentException | UncheckedIOException | DateTimeException e) {
            throw new SnapshotException(Reason.OBJECT_STORE, "Manifest " + locator + " is not readable: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public List<String> list() {
        checkConfig();
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
        checkConfig();
        objects.delete(List.of(locator));
    }

    // ---- garbage collection -----------------------------------------------------------------------------------

    /**
     * Removes the chunks {@code referenced} does not name, restic's prune: a pack with no live chunk is deleted, a
     * pack less than half live has its live chunks copied (still sealed) into new packs and is deleted, a pack at
     * least half live stays as it is with its dead chunks left out of the index. One new index replaces the old
     * ones, written before anything it replaces is deleted, so a crash in between leaves duplicates or orphans,
     * never a named chunk without its bytes. Packs and indexes stored at or after {@code storedBefore} are left
     * alone: they may belong to a snapshot still running. The caller holds the exclusive lease, so no snapshot of a
     * cooperating worker names a chunk meanwhile.
     */
    @Override
    public GcResult collectGarbage(Set<String> referenced, java.time.Instant storedBefore) {
        checkConfig();
        flush();
        Set<String> recentPacks = new HashSet<>();
        List<String> oldIndexes = new ArrayList<>();
        Map<String, BlobLocation> canonical = new LinkedHashMap<>();
        for (ObjectStore.StoredObject index : objects.list(SnapshotLayout.INDEX_PREFIX)) {
            Optional<Map<String, BlobLocation>> blobs = readIndex(index.key());
            if (blobs.isEmpty()) {
                continue;
            }
            if (!index.lastModified().isBefore(storedBefore)) {
                blobs.get().values().forEach(location -> recentPacks.add(location.pack()));
                continue;
            }
            oldIndexes.add(index.key());
            blobs.get().forEach(canonical::putIfAbsent);
        }
        Map<String, Map<String, BlobLocation>> liveByPack = new HashMap<>();
        canonical.forEach((hash, location) -> {
            if (referenced.contains(hash)) {
                liveByPack.computeIfAbsent(location.pack(), pack -> new LinkedHashMap<>()).put(hash, location);
            }
        });

        Map<String, BlobLocation> newIndex = new LinkedHashMap<>();
        List<String> doomedPacks = new ArrayList<>();
        long bytesFreed = 0;
        PackBuilder repack = new PackBuilder(packSize);
        for (ObjectStore.StoredObject pack : objects.list(SnapshotLayout.PACK_PREFIX)) {
            if (recentPacks.contains(pack.key()) || !pack.lastModified().isBefore(storedBefore)) {
                continue;
            }
            Map<String, BlobLocation> live = liveByPack.getOrDefault(pack.key(), Map.of());
            long liveBytes = live.values().stream().mapToLong(BlobLocation::length).sum();
            if (live.isEmpty()) {
                doomedPacks.add(pack.key());
                bytesFreed += pack.size();
            } else if (liveBytes < pack.size() * REPACK_BELOW) {
                byte[] bytes = objects.get(pack.key()).orElseThrow(() -> new SnapshotException(Reason.OBJECT_STORE,
                        "Pack " + pack.key() + " vanished during garbage collection"));
                for (Map.Entry<String, BlobLocation> chunk : live.entrySet()) {
                    BlobLocation location = chunk.getValue();
                    repack.addSealed(chunk.getKey(), bytes, (int) location.offset(), location.length(),
                            location.plainLength());
                    if (repack.size() >= packSize) {
                        newIndex.putAll(store(repack));
                        repack = new PackBuilder(packSize);
                    }
                }
                doomedPacks.add(pack.key());
                bytesFreed += pack.size() - liveBytes;
            } else {
                newIndex.putAll(live);
            }
        }
        if (repack.size() > 0) {
            newIndex.putAll(store(repack));
        }
        long live = liveByPack.values().stream().mapToLong(Map::size).sum();
        if (!oldIndexes.isEmpty()) {
            if (!newIndex.isEmpty()) {
                objects.put(SnapshotLayout.INDEX_PREFIX + UUID.randomUUID(), seal(PackIndexJson.write(newIndex),
                        "index"));
            }
            objects.delete(oldIndexes);
        }
        objects.delete(doomedPacks);
        load(true);
        return new GcResult(live, canonical.size() - live, bytesFreed);
    }

    /** Seals what the pack holds unsealed, uploads it, and says where each chunk is. */
    private Map<String, BlobLocation> store(PackBuilder pack) {
        String key = SnapshotLayout.packKey(UUID.randomUUID().toString().replace("-", ""));
        Map<String, BlobLocation> located = new LinkedHashMap<>();
        for (PackBuilder.Slice slice : pack.slices) {
            if (!slice.sealed()) {
                sealer.sealInPlace(pack.bytes, slice.offset(), slice.plainLength(), slice.hash());
            }
            located.put(slice.hash(), new BlobLocation(key, slice.offset(), slice.length(), slice.plainLength()));
        }
        objects.put(key, pack.bytes, 0, pack.size());
        return located;
    }

    // ---- config -----------------------------------------------------------------------------------------------

    /**
     * Reads the repository's config, writing it on first use. A repository is encrypted or not for life: a worker
     * whose sealer disagrees with it, or whose key does not open its check value, stops here.
     */
    private void checkConfig() {
        if (configChecked) {
            return;
        }
        synchronized (this) {
            if (configChecked) {
                return;
            }
            Optional<byte[]> stored = objects.get(CONFIG_KEY);
            if (stored.isEmpty()) {
                ObjectNode config = MAPPER.createObjectNode();
                config.put("format", FORMAT);
                config.put("encryption", sealer.encrypts() ? "aes-256-gcm" : "none");
                byte[] check = CHECK_PLAINTEXT.getBytes(StandardCharsets.UTF_8);
                config.put("check", Base64.getEncoder().encodeToString(sealer.seal(check, 0, check.length, "config")));
                try {
                    objects.put(CONFIG_KEY, MAPPER.writeValueAsBytes(config));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else {
                verify(stored.get());
            }
            configChecked = true;
        }
    }

    private void verify(byte[] stored) {
        JsonNode config;
        try {
            config = MAPPER.readTree(stored);
        } catch (IOException e) {
            throw new SnapshotException(Reason.OBJECT_STORE, "The repository's config is not JSON: "
                    + e.getMessage(), e);
        }
        if (!FORMAT.equals(config.path("format").asText())) {
            throw new SnapshotException(Reason.OBJECT_STORE, "The bucket holds no " + FORMAT + " repository (config"
                    + " format '" + config.path("format").asText() + "')");
        }
        boolean encrypted = "aes-256-gcm".equals(config.path("encryption").asText());
        if (encrypted && !sealer.encrypts()) {
            throw new SnapshotException(Reason.ENCRYPTION, "The repository is encrypted (AES-256-GCM) and this worker"
                    + " has no key: set spillway.snapshot.encryption.key or .key-file");
        }
        if (!encrypted && sealer.encrypts()) {
            throw new SnapshotException(Reason.ENCRYPTION, "The repository is not encrypted, and a repository's"
                    + " encryption cannot be turned on later: use another bucket for encrypted snapshots, or remove"
                    + " spillway.snapshot.encryption.*");
        }
        byte[] check = Base64.getDecoder().decode(config.path("check").asText());
        try {
            if (!CHECK_PLAINTEXT.equals(new String(sealer.open(check, 0, check.length, "config"),
                    StandardCharsets.UTF_8))) {
                throw new SnapshotException(Reason.ENCRYPTION, "The repository's key check does not match");
            }
        } catch (SnapshotException e) {
            if (e.reason() == Reason.ENCRYPTION) {
                throw e;
            }
            throw new SnapshotException(Reason.ENCRYPTION, "The configured encryption key is not this repository's"
                    + " key", e);
        }
    }

    private byte[] seal(byte[] plain, String kind) {
        return sealer.seal(plain, 0, plain.length, kind);
    }

    private byte[] open(byte[] sealed, String kind) {
        return sealer.open(sealed, 0, sealed.length, kind);
    }

    /**
     * A pack being filled, in the one array it is uploaded from: each chunk is copied in as plaintext, with room for
     * the sealer's nonce and tag around it, and sealed where it lies when the pack is stored; a chunk sealed already
     * (repacking) is copied in as it is.
     */
    private final class PackBuilder {
        private final List<Slice> slices = new ArrayList<>();
        private final Set<String> hashes = new HashSet<>();
        /** A pack is full once it reaches the pack size, so most end one chunk beyond it. */
        private final int capacity;
        private byte[] bytes = new byte[0];
        private int size;

        PackBuilder(int packSize) {
            this.capacity = packSize + packSize / 4;
        }

        void addPlain(String hash, byte[] plain, int length) {
            int sealedLength = length + sealer.overhead();
            int at = reserve(sealedLength);
            System.arraycopy(plain, 0, bytes, at + sealer.prefix(), length);
            slices.add(new Slice(hash, at, sealedLength, length, false));
            hashes.add(hash);
        }

        void addSealed(String hash, byte[] sealed, int offset, int length, int plainLength) {
            int at = reserve(length);
            System.arraycopy(sealed, offset, bytes, at, length);
            slices.add(new Slice(hash, at, length, plainLength, true));
            hashes.add(hash);
        }

        private int reserve(int length) {
            int at = size;
            if (size + length > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(size + length, Math.max(capacity, bytes.length * 2)));
            }
            size += length;
            return at;
        }

        /** The pack's size once sealed. */
        int size() {
            return size;
        }

        Set<String> hashes() {
            return hashes;
        }

        /**
         * @param offset where the slice starts in the pack
         * @param length its length sealed
         */
        record Slice(String hash, int offset, int length, int plainLength, boolean sealed) {
        }
    }
}
