package io.spillway.snapshot.repository;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import io.spillway.snapshot.domain.CheckProblem;
import io.spillway.snapshot.domain.CheckProblem.Kind;
import io.spillway.snapshot.domain.ChunkHash;
import io.spillway.snapshot.domain.SnapshotException;
import io.spillway.snapshot.domain.SnapshotLayout;
import io.spillway.snapshot.domain.StoreCheck;

/**
 * The store's half of a repository check: every index read from the store (not this worker's cached view), every pack
 * it names looked for, every entry held against its pack's size, and with {@code readData} every such pack read whole
 * and each chunk opened and hashed as a restore would. Packs have no header of their own, so what a pack holds is
 * what the indexes say; a pack no index names is listed, not read.
 */
final class PackChecker {

    private final ObjectStore objects;
    private final Sealer sealer;
    private final RepositoryConfig config;

    PackChecker(ObjectStore objects, Sealer sealer, RepositoryConfig config) {
        this.objects = objects;
        this.sealer = sealer;
        this.config = config;
    }

    StoreCheck verify(boolean readData) {
        config.check();
        List<CheckProblem> problems = new ArrayList<>();
        /** Each pack's entries, by chunk; a chunk two indexes place in one pack counts once. */
        Map<String, Map<String, BlobLocation>> byPack = new TreeMap<>();
        for (ObjectStore.StoredObject index : objects.list(SnapshotLayout.INDEX_PREFIX)) {
            readIndex(index.key(), problems).ifPresent(blobs -> blobs.forEach((hash, location) -> byPack
                    .computeIfAbsent(location.pack(), pack -> new LinkedHashMap<>()).put(hash, location)));
        }
        Map<String, Long> packSizes = new HashMap<>();
        for (ObjectStore.StoredObject pack : objects.list(SnapshotLayout.PACK_PREFIX)) {
            packSizes.put(pack.key(), pack.size());
        }

        Set<String> indexed = new HashSet<>();
        Set<String> sound = new HashSet<>();
        Map<String, CheckProblem> damaged = new HashMap<>();
        long packsChecked = 0;
        long chunksChecked = 0;
        long bytesRead = 0;
        byte[] plain = new byte[0];
        for (Map.Entry<String, Map<String, BlobLocation>> pack : byPack.entrySet()) {
            Map<String, BlobLocation> entries = pack.getValue();
            indexed.addAll(entries.keySet());
            chunksChecked += entries.size();
            Long size = packSizes.get(pack.getKey());
            Optional<byte[]> bytes = Optional.empty();
            if (size != null && readData) {
                bytes = objects.get(pack.getKey());
                size = bytes.map(read -> (long) read.length).orElse(null);
            }
            if (size == null) {
                CheckProblem missing = CheckProblem.of(Kind.PACK_MISSING, "Pack " + pack.getKey() + " is named by an"
                        + " index and not in the store: its " + entries.size() + " chunks are lost", pack.getKey(),
                        null, null);
                problems.add(missing);
                entries.keySet().forEach(hash -> damaged.putIfAbsent(hash, missing));
                continue;
            }
            packsChecked++;
            bytesRead += bytes.map(read -> (long) read.length).orElse(0L);
            for (Map.Entry<String, BlobLocation> entry : entries.entrySet()) {
                String hash = entry.getKey();
                BlobLocation location = entry.getValue();
                String fault;
                if (location.offset() < 0 || location.offset() + location.length() > size) {
                    fault = "the index places it at bytes " + location.offset() + " to "
                            + (location.offset() + location.length()) + " of a pack of " + size + " bytes";
                } else if (bytes.isPresent()) {
                    if (plain.length < location.length()) {
                        plain = new byte[location.length()];
                    }
                    fault = verifyChunk(hash, location, bytes.get(), plain);
                } else {
                    fault = null;
                }
                if (fault == null) {
                    sound.add(hash);
                    continue;
                }
                CheckProblem problem = CheckProblem.of(Kind.CHUNK_DAMAGED, "Chunk " + hash + " in pack "
                        + pack.getKey() + " is damaged: " + fault, pack.getKey(), hash, null);
                problems.add(problem);
                damaged.putIfAbsent(hash, problem);
            }
        }
        // A chunk with a sound copy elsewhere (a collection that crashed between writing and deleting) is usable.
        damaged.keySet().removeAll(sound);

        List<String> unindexed = new ArrayList<>(packSizes.keySet());
        unindexed.removeAll(byPack.keySet());
        unindexed.sort(null);
        return new StoreCheck(packsChecked, chunksChecked, bytesRead, indexed, problems, damaged, unindexed);
    }

    /** @return null when the chunk opens and hashes to its id, else what is wrong */
    private String verifyChunk(String hash, BlobLocation location, byte[] pack, byte[] plain) {
        int length;
        try {
            length = sealer.open(pack, (int) location.offset(), location.length(), hash, plain);
        } catch (SnapshotException e) {
            return "it does not open (" + e.getMessage() + ")";
        }
        if (length != location.plainLength()) {
            return "it opens to " + length + " bytes where the index says " + location.plainLength();
        }
        String actual = ChunkHash.of(plain, 0, length);
        return actual.equals(hash) ? null : "its content hashes to " + actual;
    }

    /** An index's entries, or empty with a problem when it does not open or parse; gone since listed: empty. */
    private Optional<Map<String, BlobLocation>> readIndex(String key, List<CheckProblem> problems) {
        Optional<byte[]> sealed = objects.get(key);
        if (sealed.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(PackIndexJson.read(sealer.open(sealed.get(), 0, sealed.get().length, "index")));
        } catch (SnapshotException | IllegalArgumentException | UncheckedIOException e) {
            problems.add(CheckProblem.of(Kind.INDEX_UNREADABLE, "Index " + key + " is not readable (" + e.getMessage()
                    + "): the chunks it places cannot be found", null, null, key));
            return Optional.empty();
        }
    }
}
