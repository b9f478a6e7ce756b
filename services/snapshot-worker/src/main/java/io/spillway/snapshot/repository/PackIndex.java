package io.spillway.snapshot.repository;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.spillway.snapshot.domain.SnapshotException;
import io.spillway.snapshot.domain.SnapshotException.Reason;
import io.spillway.snapshot.domain.SnapshotLayout;

/**
 * Which chunk is where: this worker's view, in memory, of the {@code index/} objects of the store (a few dozen bytes
 * per chunk), plus the chunks of packs it uploaded that no index object names yet and those of packs still being
 * filled or uploading. Whether a chunk is stored is a lookup, not a request.
 *
 * <p>
 * Its monitor guards all of that; the {@link PackWriter} holds it too while it moves a pack from pending to uploaded.
 */
final class PackIndex {

    private final ObjectStore objects;
    private final Sealer sealer;
    private final RepositoryConfig config;

    /** Chunks named by an index object in the store. */
    private final Map<String, BlobLocation> indexed = new HashMap<>();
    private final Set<String> loadedIndexes = new HashSet<>();
    /** Chunks in uploaded packs that no index object names yet: the next flush writes theirs. */
    private final Map<String, BlobLocation> unindexed = new LinkedHashMap<>();
    /** Chunks in the pack being filled or uploading. */
    private final Set<String> pending = new HashSet<>();

    PackIndex(ObjectStore objects, Sealer sealer, RepositoryConfig config) {
        this.objects = objects;
        this.sealer = sealer;
        this.config = config;
    }

    /**
     * Loads the indexes this worker has not seen ({@code everything}: all of them again). When one it loaded is gone,
     * garbage collection replaced them (and maybe deleted or moved chunks): everything is read again. The new view
     * replaces the old in one step, so a concurrent {@link #contains} never sees an empty index in between.
     */
    void load(boolean everything) {
        config.check();
        Set<String> listed = new HashSet<>();
        for (ObjectStore.StoredObject object : objects.list(SnapshotLayout.INDEX_PREFIX)) {
            listed.add(object.key());
        }
        Set<String> known;
        synchronized (this) {
            everything = everything || !listed.containsAll(loadedIndexes);
            known = everything ? Set.of() : new HashSet<>(loadedIndexes);
        }
        Map<String, BlobLocation> blobs = new HashMap<>();
        Set<String> read = new HashSet<>();
        for (String key : listed) {
            if (!known.contains(key)) {
                read(key).ifPresent(blobs::putAll);
                read.add(key);
            }
        }
        synchronized (this) {
            if (everything) {
                indexed.clear();
                loadedIndexes.clear();
            }
            indexed.putAll(blobs);
            loadedIndexes.addAll(read);
        }
    }

    /** @return empty when the index is gone (replaced by garbage collection since it was listed) */
    Optional<Map<String, BlobLocation>> read(String key) {
        Optional<byte[]> sealed = objects.get(key);
        if (sealed.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(PackIndexJson.read(sealer.open(sealed.get(), 0, sealed.get().length, "index")));
        } catch (IllegalArgumentException e) {
            throw new SnapshotException(Reason.OBJECT_STORE, "Index " + key + " is not readable: " + e.getMessage(),
                    e);
        }
    }

    /** Writes an index object naming these chunks, sealed. @return its key */
    String write(Map<String, BlobLocation> blobs) {
        String key = SnapshotLayout.INDEX_PREFIX + UUID.randomUUID();
        byte[] plain = PackIndexJson.write(blobs);
        objects.put(key, sealer.seal(plain, 0, plain.length, "index"));
        return key;
    }

    synchronized boolean contains(String sha256) {
        return indexed.containsKey(sha256) || unindexed.containsKey(sha256) || pending.contains(sha256);
    }

    /** Marks a chunk pending, to be packed; false when it is stored or pending already. */
    synchronized boolean claim(String sha256) {
        return !indexed.containsKey(sha256) && !unindexed.containsKey(sha256) && pending.add(sha256);
    }

    /** A pack is uploaded: its chunks are where {@code located} says, named by no index object yet. */
    synchronized void uploaded(Map<String, BlobLocation> located, Set<String> hashes) {
        unindexed.putAll(located);
        pending.removeAll(hashes);
    }

    /** A pack failed to upload: its chunks are not stored, so a later put must store them again. */
    synchronized void notUploaded(Set<String> hashes) {
        pending.removeAll(hashes);
    }

    /**
     * Forgets the chunks no index object names: uploaded or pending, this worker stops claiming them, so the next put
     * stores them again. Their packs, if any went up, are orphans for garbage collection.
     */
    synchronized void forgetUnindexed() {
        unindexed.clear();
        pending.clear();
    }

    /** The uploaded chunks no index object names yet. */
    synchronized Map<String, BlobLocation> unindexed() {
        return new LinkedHashMap<>(unindexed);
    }

    /** The index object at {@code key} names these chunks now. */
    synchronized void indexed(Map<String, BlobLocation> blobs, String key) {
        indexed.putAll(blobs);
        blobs.keySet().forEach(unindexed::remove);
        loadedIndexes.add(key);
    }

    /** Where the chunks this worker knows of are, in the order asked. */
    synchronized Map<String, BlobLocation> locate(Collection<String> hashes) {
        Map<String, BlobLocation> wanted = new LinkedHashMap<>();
        for (String hash : hashes) {
            BlobLocation location = indexed.getOrDefault(hash, unindexed.get(hash));
            if (location != null) {
                wanted.put(hash, location);
            }
        }
        return wanted;
    }
}
