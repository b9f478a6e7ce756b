package io.spillway.snapshot.domain;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import io.spillway.snapshot.domain.SnapshotException.Reason;

/** A chunk's name: the SHA-256 of its content, in lower-case hex; and the check of a chunk against its name. */
public final class ChunkHash {

    private static final HexFormat HEX = HexFormat.of();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(ChunkHash::sha256);

    private ChunkHash() {
    }

    /** The name of the chunk {@code data[offset, offset + length)}. */
    public static String of(byte[] data, int offset, int length) {
        MessageDigest sha256 = SHA256.get();
        sha256.reset();
        sha256.update(data, offset, length);
        return HEX.formatHex(sha256.digest());
    }

    /**
     * Compares a chunk with its name before a byte of it is written.
     *
     * @throws SnapshotException {@link Reason#CHUNK_CORRUPT} naming the chunk and {@code file}, which needs it
     */
    public static void verify(String hash, byte[] data, int offset, int length, String file) {
        String actual = of(data, offset, length);
        if (!actual.equals(hash)) {
            throw new SnapshotException(Reason.CHUNK_CORRUPT, "Chunk " + hash + " of file '" + file
                    + "' is corrupt: its content hashes to " + actual);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
    }
}
