package io.spillway.snapshot.domain;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

public class FixedSizeChunkerTest {

    private static final int MIB = 1024 * 1024;

    private final FixedSizeChunker chunker = new FixedSizeChunker();

    @Test
    void cutsAFileLargerThanFourMibIntoFullChunksAndARemainder() throws IOException {
        byte[] content = random(9 * MIB + 5);

        List<byte[]> chunks = split(content);

        assertEquals(List.of(4 * MIB, 4 * MIB, MIB + 5), chunks.stream().map(c -> c.length).toList());
        assertArrayEquals(content, concat(chunks));
    }

    @Test
    void cutsAnExactMultipleWithoutAnEmptyLastChunk() throws IOException {
        assertEquals(List.of(4 * MIB, 4 * MIB), split(random(8 * MIB)).stream().map(c -> c.length).toList());
    }

    @Test
    void givesNoChunkForAnEmptyFile() throws IOException {
        assertEquals(0, split(new byte[0]).size());
    }

    @Test
    void keepsASmallFileInOneChunk() throws IOException {
        assertEquals(List.of(11), split(random(11)).stream().map(c -> c.length).toList());
    }

    @Test
    void describesItselfForTheManifest() {
        assertEquals(new Manifest.Chunking("fixed", 4 * MIB), chunker.describe());
    }

    private List<byte[]> split(byte[] content) throws IOException {
        List<byte[]> chunks = new ArrayList<>();
        long read = chunker.split(new ByteArrayInputStream(content),
                (data, length) -> chunks.add(Arrays.copyOf(data, length)));
        assertEquals(content.length, read);
        return chunks;
    }

    private static byte[] concat(List<byte[]> chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        chunks.forEach(out::writeBytes);
        return out.toByteArray();
    }

    public static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }
}
