package io.spillway.snapshot.repository;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.spillway.snapshot.domain.GcResult;
import io.spillway.snapshot.domain.SnapshotException;
import io.spillway.snapshot.domain.SnapshotException.Reason;
import io.spillway.snapshot.domain.SnapshotLayout;

/**
 * Garbage collection of the packs, restic's prune: a pack with no live chunk is deleted, a pack less than half live
 * has its live chunks copied (still sealed) into new packs and is deleted, a pack at least half live stays as it is
 * with its dead chunks left out of the index. One new index replaces the old ones, written before anything it
 * replaces is deleted, so a crash in between leaves duplicates or orphans, never a named chunk without its bytes.
 */
final class Repacker {

    /** A pack with less than this fraction of live bytes has its live chunks moved to a new pack. */
    static final double REPACK_BELOW = 0.5;

    private final ObjectStore objects;
    private final PackIndex index;
    private final PackWriter writer;

    Repacker(ObjectStore objects, PackIndex index, PackWriter writer) {
        this.objects = objects;
        this.index = index;
        this.writer = writer;
    }

    /**
     * Removes the chunks {@code referenced} does not name. Packs and indexes stored at or after {@code storedBefore}
     * are left alone: they may belong to a snapshot still running. The caller holds the exclusive lease, so no
     * snapshot of a cooperating worker names a chunk meanwhile.
     */
    GcResult collectGarbage(Set<String> referenced, Instant storedBefore) {
        writer.flush();
        Set<String> recentPacks = new HashSet<>();
        List<String> oldIndexes = new ArrayList<>();
        Map<String, BlobLocation> canonical = new LinkedHashMap<>();
        for (ObjectStore.StoredObject stored : objects.list(SnapshotLayout.INDEX_PREFIX)) {
            Optional<Map<String, BlobLocation>> blobs = index.read(stored.key());
            if (blobs.isEmpty()) {
                continue;
            }
            if (!stored.lastModified().isBefore(storedBefore)) {
                blobs.get().values().forEach(location -> recentPacks.add(location.pack()));
                continue;
            }
            oldIndexes.add(stored.key());
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
        PackBuilder repack = writer.newPack();
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
                    if (repack.size() >= writer.packSize()) {
                        newIndex.putAll(writer.store(repack));
                        repack = writer.newPack();
                    }
                }
                doomedPacks.add(pack.key());
                bytesFreed += pack.size() - liveBytes;
            } else {
                newIndex.putAll(live);
            }
        }
        if (repack.size() > 0) {
            newIndex.putAll(writer.store(repack));
        }
        long live = liveByPack.values().stream().mapToLong(Map::size).sum();
        if (!oldIndexes.isEmpty()) {
            if (!newIndex.isEmpty()) {
                index.write(newIndex);
            }
            objects.delete(oldIndexes);
        }
        objects.delete(doomedPacks);
        index.load(true);
        return new GcResult(live, canonical.size() - live, bytesFreed);
    }
}
