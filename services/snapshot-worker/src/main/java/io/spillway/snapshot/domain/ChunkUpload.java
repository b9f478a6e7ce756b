package io.spillway.snapshot.domain;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * The chunks of one snapshot on their way to the {@link ChunkStore}: names each by its SHA-256, stores it only when
 * neither this snapshot nor the store holds it yet, and counts what was read, uploaded, reused and skipped. Used by
 * the one thread that takes the snapshot.
 */
public final class ChunkUpload {

    private static final HexFormat HEX = HexFormat.of();

    private final ChunkStore chunks;
    private final Set<String> known = new HashSet<>();
    private final MessageDigest sha256 = sha256();
    private long bytesScanned;
    private long bytesUploaded;
    private long chunksNew;
    private long chunksReused;
    private long filesRead;
    private long filesSkipped;
    private long bytesSkipped;

    public ChunkUpload(ChunkStore chunks) {
        this.chunks = chunks;
    }

    /** A file reused from the parent unread: its chunks are known present. */
    public void reused(ManifestEntry previous) {
        filesSkipped++;
        bytesSkipped += previous.size();
        chunksReused += previous.chunks().size();
        known.addAll(previous.chunks());
    }

    /** Stores a chunk the store does not hold yet; {@code data} holds it in its first {@code length} bytes. */
    public String store(byte[] data, int length) {
        bytesScanned += length;
        sha256.reset();
        sha256.update(data, 0, length);
        String hash = HEX.formatHex(sha256.digest());
        // A chunk seen earlier in this snapshot is known present: no second round trip to the store.
        if (known.contains(hash) || chunks.contains(hash)) {
            chunksReused++;
        } else {
            chunks.put(hash, data, length);
            chunksNew++;
            bytesUploaded += length;
        }
        known.add(hash);
        return hash;
    }

    /** A file read whole, unchanged from start to end. */
    public void fileRead() {
        filesRead++;
    }

    public long bytesScanned() {
        return bytesScanned;
    }

    public long bytesUploaded() {
        return bytesUploaded;
    }

    public long chunksNew() {
        return chunksNew;
    }

    public long chunksReused() {
        return chunksReused;
    }

    public long filesRead() {
        return filesRead;
    }

    public long filesSkipped() {
        return filesSkipped;
    }

    public long bytesSkipped() {
        return bytesSkipped;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
    }
}
