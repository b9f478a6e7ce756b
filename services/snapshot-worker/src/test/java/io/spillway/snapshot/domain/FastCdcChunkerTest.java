package io.spillway.snapshot.domain;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FastCdcChunkerTest {

    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;

    private final FastCdcChunker chunker = new FastCdcChunker();

    @Test
    void keepsEveryChunkWithinMinAndMaxAndAveragesNearOneMib() throws IOException {
        byte[] content = FixedSizeChunkerTest.random(96 * MIB);

        List<byte[]> chunks = split(chunker, content);

        for (int i = 0; i < chunks.size() - 1; i++) {
            int size = chunks.get(i).length;
            assertTrue(size >= 256 * KIB && size <= 4 * MIB, "chunk " + i + " has " + size + " bytes");
        }
        double average = (double) content.length / chunks.size();
        assertTrue(average > 0.75 * MIB && average < 1.5 * MIB, "average chunk " + average + " bytes");
        assertArrayEquals(content, concat(chunks));
    }

    @Test
    void cutsTheSameBytesAtTheSameBoundariesWhateverTheReads() throws IOException {
        byte[] content = FixedSizeChunkerTest.random(20 * MIB + 17);

        List<String> whole = hashes(split(chunker, content));
        // A stream that hands out odd small pieces, as a pipe or a network filesystem may.
        List<String> trickled = hashes(split(chunker, new TrickleStream(content, 7919)));

        assertEquals(whole, trickled);
        assertEquals(whole, hashes(split(new FastCdcChunker(), content)));
    }

    @Test
    void keepsAllButTheFirstChunksAfterAnInsertionNearTheStartWhereFixedSizeKeepsNone() throws IOException {
        byte[] original = FixedSizeChunkerTest.random(32 * MIB);
        byte[] inserted = new byte[original.length + 100];
        System.arraycopy(original, 0, inserted, 0, 1000);
        System.arraycopy(FixedSizeChunkerTest.random(100), 0, inserted, 1000, 100);
        System.arraycopy(original, 1000, inserted, 1100, original.length - 1000);

        List<String> before = hashes(split(chunker, original));
        List<String> after = hashes(split(chunker, inserted));
        Set<String> kept = new HashSet<>(before);
        kept.retainAll(after);

        assertTrue(kept.size() >= before.size() - 2, kept.size() + " of " + before.size() + " chunks kept");
        assertEquals(before.subList(before.size() - kept.size(), before.size()),
                after.subList(after.size() - kept.size(), after.size()), "the kept chunks are the tail, in order");

        FixedSizeChunker fixed = new FixedSizeChunker();
        Set<String> keptFixed = new HashSet<>(hashes(split(fixed, original)));
        keptFixed.retainAll(hashes(split(fixed, inserted)));
        assertEquals(Set.of(), keptFixed);
    }

    @Test
    void keepsASmallFileInOneChunkAndGivesNoneForAnEmptyOne() throws IOException {
        assertEquals(List.of(11), split(chunker, FixedSizeChunkerTest.random(11)).stream().map(c -> c.length)
                .toList());
        assertEquals(List.of(), split(chunker, new byte[0]));
    }

    @Test
    void describesItselfForTheManifestByItsAverage() {
        assertEquals(new Manifest.Chunking("fastcdc", MIB), chunker.describe());
    }

    @Test
    void refusesSizesOutOfOrder() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new FastCdcChunker(MIB, MIB, 4 * MIB));
        assertTrue(error.getMessage().contains("min < avg < max"), error.getMessage());
    }

    static List<byte[]> split(Chunker chunker, byte[] content) throws IOException {
        return split(chunker, new ByteArrayInputStream(content));
    }

    private static List<byte[]> split(Chunker chunker, InputStream in) throws IOException {
        List<byte[]> chunks = new ArrayList<>();
        long read = chunker.split(in, (data, length) -> {
            byte[] chunk = new byte[length];
            System.arraycopy(data, 0, chunk, 0, length);
            chunks.add(chunk);
        });
        assertEquals(chunks.stream().mapToLong(c -> c.length).sum(), read);
        return chunks;
    }

    private static List<String> hashes(List<byte[]> chunks) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            return chunks.stream().map(c -> HexFormat.of().formatHex(sha256.digest(c))).toList();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(List<byte[]> chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        chunks.forEach(out::writeBytes);
        return out.toByteArray();
    }

    /** Returns at most {@code step} bytes per read. */
    private static final class TrickleStream extends InputStream {

        private final ByteArrayInputStream in;
        private final int step;

        TrickleStream(byte[] content, int step) {
            this.in = new ByteArrayInputStream(content);
            this.step = step;
        }

        @Override
        public int read() {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return in.read(b, off, Math.min(len, step));
        }
    }
}
