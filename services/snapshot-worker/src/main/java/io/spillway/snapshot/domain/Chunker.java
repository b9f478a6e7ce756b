package io.spillway.snapshot.domain;

import java.io.IOException;
import java.io.InputStream;

/**
 * Cuts file content into chunks. This is the seam for content-defined chunking: a chunker whose boundaries follow the
 * content keeps most chunks of a file identical after an insertion, where fixed-size chunks all shift.
 */
public interface Chunker {

    /** What to record in the manifest about this chunker. */
    Manifest.Chunking describe();

    /**
     * Reads {@code in} to its end and hands each chunk, in order, to {@code sink}.
     *
     * @return the number of bytes read
     */
    long split(InputStream in, ChunkSink sink) throws IOException;

    /** Receives chunks; {@code data} is only valid during the call. */
    @FunctionalInterface
    interface ChunkSink {
        void accept(byte[] data, int length) throws IOException;
    }
}
