package io.spillway.snapshot.domain;

import java.io.IOException;
import java.io.InputStream;

/** Fixed-size chunks: every chunk but the last of a file has exactly {@code chunkSize} bytes. */
public final class FixedSizeChunker implements Chunker {

    /** 4 MiB: large enough that per-object overhead in S3 stays small, small enough to dedupe big files. */
    public static final int DEFAULT_CHUNK_SIZE = 4 * 1024 * 1024;

    private final int chunkSize;
    /** Each thread's buffer, kept between files, so a small file does not cost a 4 MiB allocation. */
    private final ThreadLocal<byte[]> buffers;

    public FixedSizeChunker() {
        this(DEFAULT_CHUNK_SIZE);
    }

    public FixedSizeChunker(int chunkSize) {
        if (chunkSize <= 0) {
            throw new IllegalArgumentException("Chunk size must be positive: " + chunkSize);
        }
        this.chunkSize = chunkSize;
        this.buffers = ThreadLocal.withInitial(() -> new byte[chunkSize]);
    }

    @Override
    public Manifest.Chunking describe() {
        return new Manifest.Chunking("fixed", chunkSize);
    }

    @Override
    public long split(InputStream in, ChunkSink sink) throws IOException {
        byte[] buffer = buffers.get();
        long total = 0;
        while (true) {
            int length = in.readNBytes(buffer, 0, chunkSize);
            if (length == 0) {
                return total;
            }
            total += length;
            sink.accept(buffer, length);
            if (length < chunkSize) {
                return total;
            }
        }
    }
}
