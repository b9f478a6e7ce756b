package io.spillway.snapshot.repository;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A pack being filled, in the one array it is uploaded from: each chunk is copied in as plaintext, with room for the
 * sealer's nonce and tag around it, and sealed where it lies when the pack is stored; a chunk sealed already
 * (repacking) is copied in as it is.
 */
final class PackBuilder {

    private final Sealer sealer;
    private final List<Slice> slices = new ArrayList<>();
    private final Set<String> hashes = new HashSet<>();
    /** A pack is full once it reaches the pack size, so most end one chunk beyond it. */
    private final int capacity;
    private byte[] bytes = new byte[0];
    private int size;

    PackBuilder(int packSize, Sealer sealer) {
        this.sealer = sealer;
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

    List<Slice> slices() {
        return slices;
    }

    /** The pack's bytes, in the first {@link #size()}; sealed in place by {@link #seal(Slice)}. */
    byte[] bytes() {
        return bytes;
    }

    /** Seals a slice added as plaintext where it lies. */
    void seal(Slice slice) {
        sealer.sealInPlace(bytes, slice.offset(), slice.plainLength(), slice.hash());
    }

    /**
     * @param offset where the slice starts in the pack
     * @param length its length sealed
     */
    record Slice(String hash, int offset, int length, int plainLength, boolean sealed) {
    }
}
