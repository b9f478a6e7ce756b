package io.spillway.snapshot.domain;

import java.io.IOException;
import java.io.InputStream;

/**
 * Content-defined chunks by FastCDC (Xia et al., USENIX ATC 2016): a gear rolling hash over the content, a cut where
 * the hash's top bits are all zero, no cut before {@code min}, a forced cut at {@code max}, and normalized chunking
 * (a harder mask before {@code avg}, an easier one after) so sizes cluster around {@code avg}. Because a boundary
 * depends only on the 64 bytes before it, an insertion moves the boundaries near it and leaves the rest where they
 * were: the chunks after it hash the same and are not uploaded again.
 *
 * <p>
 * Defaults 256 KiB / 1 MiB / 4 MiB. restic averages 1 MiB, kopia 4 MiB; the finer 1 MiB dedups better for what this
 * worker sees (datasets of many mid-size files, checkpoints rewritten in place), where a change costs about one
 * average chunk. The price is S3 requests: about one PUT (and one HEAD) per MiB of changed content, four times
 * kopia's. It is paid only for content that is read, and an incremental snapshot does not read a file whose size and
 * mtime are unchanged (see {@code posix.SnapshotTaker}); the min keeps small files and cut-point-rich content from
 * fragmenting, the max bounds a chunk's memory and object size where the content offers no cut point.
 */
public final class FastCdcChunker implements Chunker {

    public static final int DEFAULT_MIN_SIZE = 256 * 1024;
    public static final int DEFAULT_AVG_SIZE = 1024 * 1024;
    public static final int DEFAULT_MAX_SIZE = 4 * 1024 * 1024;

    /**
     * Seeds the gear table. Changing it (or the table's derivation) moves every boundary and so loses dedup against
     * every earlier snapshot: it is part of the stored format.
     */
    private static final long GEAR_SEED = 0x5350494C4C574159L; // "SPILLWAY"

    /** Normalization level 2 of the paper: two bits harder before avg, two easier after. */
    private static final int NORMALIZATION = 2;

    private static final long[] GEAR = gear(GEAR_SEED);

    private final int minSize;
    private final int avgSize;
    private final int maxSize;
    private final long maskSmall;
    private final long maskLarge;
    /**
     * Each thread's window, kept between files: allocating (and zeroing) 8 MiB per file made a dataset of small
     * files cost more in allocation than in hashing.
     */
    private final ThreadLocal<byte[]> buffers;

    public FastCdcChunker() {
        this(DEFAULT_MIN_SIZE, DEFAULT_AVG_SIZE, DEFAULT_MAX_SIZE);
    }

    public FastCdcChunker(int minSize, int avgSize, int maxSize) {
        if (minSize < 64 || avgSize <= minSize || maxSize <= avgSize) {
            throw new IllegalArgumentException("Chunk sizes must satisfy 64 <= min < avg < max: min " + minSize
                    + ", avg " + avgSize + ", max " + maxSize);
        }
        this.minSize = minSize;
        this.avgSize = avgSize;
        this.maxSize = maxSize;
        // Twice max, so a chunk is cut from a full window most of the time and the remainder is moved rarely.
        this.buffers = ThreadLocal.withInitial(() -> new byte[2 * maxSize]);
        int bits = 31 - Integer.numberOfLeadingZeros(avgSize);
        this.maskSmall = topBits(bits + NORMALIZATION);
        this.maskLarge = topBits(Math.max(1, bits - NORMALIZATION));
    }

    @Override
    public Manifest.Chunking describe() {
        return new Manifest.Chunking("fastcdc", avgSize);
    }

    @Override
    public long split(InputStream in, ChunkSink sink) throws IOException {
        byte[] buffer = buffers.get();
        int start = 0;
        int end = 0;
        boolean eof = false;
        long total = 0;
        while (true) {
            if (!eof && end - start < maxSize) {
                System.arraycopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
                int read = in.readNBytes(buffer, end, buffer.length - end);
                end += read;
                total += read;
                eof = end < buffer.length;
            }
            if (start == end) {
                return total;
            }
            int length = cut(buffer, start, end - start);
            sink.accept(chunkAt(buffer, start, length), length);
            start += length;
        }
    }

    /** The sink wants the chunk at offset 0; copy only when it is not there already. */
    private static byte[] chunkAt(byte[] buffer, int start, int length) {
        if (start == 0) {
            return buffer;
        }
        byte[] chunk = new byte[length];
        System.arraycopy(buffer, start, chunk, 0, length);
        return chunk;
    }

    /** The length of the chunk that starts at {@code offset}, given {@code available} bytes (all, or at least max). */
    int cut(byte[] data, int offset, int available) {
        if (available <= minSize) {
            return available;
        }
        int limit = Math.min(available, maxSize);
        int normal = Math.min(avgSize, limit);
        long hash = 0;
        int i = minSize;
        for (; i < normal; i++) {
            hash = (hash << 1) + GEAR[data[offset + i] & 0xff];
            if ((hash & maskSmall) == 0) {
                return i + 1;
            }
        }
        for (; i < limit; i++) {
            hash = (hash << 1) + GEAR[data[offset + i] & 0xff];
            if ((hash & maskLarge) == 0) {
                return i + 1;
            }
        }
        return limit;
    }

    /**
     * The top bits of the gear hash: after {@code hash << 1} per byte, bit 63 depends on the last 64 bytes, while
     * the low bits see only the last few.
     */
    private static long topBits(int count) {
        return -1L << (64 - count);
    }

    /** 256 pseudo-random words by SplitMix64, written out here so no library's generator can change them. */
    private static long[] gear(long seed) {
        long[] table = new long[256];
        long state = seed;
        for (int i = 0; i < table.length; i++) {
            state += 0x9E3779B97F4A7C15L;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            table[i] = z ^ (z >>> 31);
        }
        return table;
    }
}
