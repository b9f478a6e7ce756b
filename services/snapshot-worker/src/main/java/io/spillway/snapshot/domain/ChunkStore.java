package io.spillway.snapshot.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where chunks live, addressed by the SHA-256 of their content, so a chunk is stored once however many files and
 * snapshots hold it. Implementations report failures as {@link SnapshotException} with
 * {@link SnapshotException.Reason#OBJECT_STORE}.
 */
public interface ChunkStore {

    /** Brings this store's view of what is stored up to date (another worker may have added chunks). */
    default void prepare() {
    }

    /** Whether the chunk with this hash is stored already. */
    boolean contains(String sha256);

    /**
     * Stores a chunk; {@code data} holds it in its first {@code length} bytes, and may be reused by the caller once
     * this returns. The store may buffer it: it is durable after {@link #flush()}.
     */
    void put(String sha256, byte[] data, int length);

    /**
     * Makes every chunk put so far durable and findable by any reader; a manifest naming them is written after
     * this.
     */
    default void flush() {
    }

    /**
     * The chunk's bytes as stored (not {@code get}: a store is often a {@link ManifestStore} too, whose {@code get}
     * takes a locator), unverified: a restore checks them against {@code sha256} itself, so a store that
     * returns damaged bytes is caught.
     *
     * @return empty when no chunk is stored under this hash
     */
    Optional<byte[]> fetch(String sha256);

    /**
     * Several chunks at once, unverified like {@link #fetch}; a store may fetch neighbours in one request.
     *
     * @return the chunks found, by hash; a missing one is absent
     */
    default Map<String, byte[]> fetchAll(Collection<String> hashes) {
        Map<String, byte[]> found = new LinkedHashMap<>();
        for (String hash : hashes) {
            fetch(hash).ifPresent(bytes -> found.put(hash, bytes));
        }
        return found;
    }

    /**
     * Several chunks handed to {@code sink} as they are read, unverified like {@link #fetch}: each once, however
     * often {@code hashes} names it, in no promised order (a store reads them in the order it stores them). A
     * missing chunk is not handed over; the caller sees which. The bytes are the store's buffer, valid only during
     * the call: a restore writes them out and keeps nothing, where {@link #fetchAll} holds every chunk at once.
     */
    default void read(Collection<String> hashes, ChunkSink sink) {
        for (Map.Entry<String, byte[]> chunk : fetchAll(new LinkedHashSet<>(hashes)).entrySet()) {
            sink.accept(chunk.getKey(), chunk.getValue(), 0, chunk.getValue().length);
        }
    }

    /**
     * How to read these chunks in parallel: the hashes split into groups, each best read with one {@link #read} (a
     * store that packs chunks makes a group of the neighbours one request fetches), and every stored chunk's length,
     * so a reader can place a chunk in its files before the chunks in front of it arrive. A chunk the store does not
     * hold is in no group and has no length. The default reads every chunk to learn its length: fine for a store in
     * memory, and overridden by any other.
     */
    default ReadPlan plan(Collection<String> hashes) {
        List<List<String>> groups = new ArrayList<>();
        Map<String, Integer> lengths = new HashMap<>();
        for (String hash : new LinkedHashSet<>(hashes)) {
            fetch(hash).ifPresent(bytes -> {
                groups.add(List.of(hash));
                lengths.put(hash, bytes.length);
            });
        }
        return new ReadPlan(groups, lengths);
    }

    /**
     * @param groups chunks to read together, one {@link #read} each, in the order best read
     * @param lengths each planned chunk's length in bytes
     */
    record ReadPlan(List<List<String>> groups, Map<String, Integer> lengths) {
    }

    /** Takes the chunks a {@link #read} hands over. */
    @FunctionalInterface
    interface ChunkSink {
        /** The chunk is {@code data[offset, offset + length)}; {@code data} is reused once this returns. */
        void accept(String sha256, byte[] data, int offset, int length);
    }

    /**
     * Deletes every stored chunk that is not in {@code referenced} and was stored before {@code storedBefore}, and
     * keeps every other. The caller builds {@code referenced} from every manifest and holds the exclusive lease, so
     * no snapshot names a chunk meanwhile; {@code storedBefore} keeps a chunk just uploaded by a snapshot that runs
     * anyway (its lease expired) until the next collection. A store that packs chunks must keep a pack while any chunk
     * in it is referenced or recent, and may rewrite it without the others.
     */
    GcResult collectGarbage(Set<String> referenced, Instant storedBefore);
}
