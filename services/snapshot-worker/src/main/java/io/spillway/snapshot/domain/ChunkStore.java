package io.spillway.snapshot.domain;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Where chunks live, addressed by the SHA-256 of their content, so a chunk is stored once however many files and
 * snapshots hold it. Implementations report failures as {@link SnapshotException} with
 * {@link SnapshotException.Reason#OBJECT_STORE}.
 */
public interface ChunkStore {

    /** Whether the chunk with this hash is stored already. */
    boolean contains(String sha256);

    /** Stores a chunk; {@code data} holds it in its first {@code length} bytes. */
    void put(String sha256, byte[] data, int length);

    /**
     * The chunk's bytes as stored (not {@code get}: a store is often a {@link ManifestStore} too, whose {@code get}
     * takes a locator), unverified: a restore checks them against {@code sha256} itself, so a store that
     * returns damaged bytes is caught.
     *
     * @return empty when no chunk is stored under this hash
     */
    Optional<byte[]> fetch(String sha256);

    /**
     * Deletes every stored chunk that is not in {@code referenced} and was stored before {@code storedBefore}, and
     * keeps every other. The caller builds {@code referenced} from every manifest and holds the exclusive lease, so
     * no snapshot names a chunk meanwhile; {@code storedBefore} keeps a chunk just uploaded by a snapshot that runs
     * anyway (its lease expired) until the next collection. A store that packs chunks must keep a pack while any chunk
     * in it is referenced or recent, and may rewrite it without the others.
     */
    GcResult collectGarbage(Set<String> referenced, Instant storedBefore);
}
