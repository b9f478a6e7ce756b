package io.spillway.snapshot.domain;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A snapshot's chunks: each stored once, what the store holds not sent again, and every byte counted. */
class ChunkUploadTest {

    private final InMemoryStore store = new InMemoryStore();

    @Test
    void storesANewChunkOnceAndCountsTheRepeatAsReused() {
        ChunkUpload upload = new ChunkUpload(store);
        byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);

        String first = upload.store(hello, hello.length);
        String again = upload.store(hello, hello.length);

        assertEquals(ChunkHash.of(hello, 0, hello.length), first);
        assertEquals(first, again);
        assertEquals(List.of("chunk:" + first), store.writes);
        assertEquals(1, store.heads, "the repeat is known from this snapshot: no second question to the store");
        assertEquals(1, upload.chunksNew());
        assertEquals(1, upload.chunksReused());
        assertEquals(10, upload.bytesScanned());
        assertEquals(5, upload.bytesUploaded());
    }

    @Test
    void sendsNothingTheStoreHolds() {
        byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
        new ChunkUpload(store).store(hello, hello.length);
        store.writes.clear();

        ChunkUpload later = new ChunkUpload(store);
        later.store(hello, hello.length);

        assertEquals(List.of(), store.writes);
        assertEquals(0, later.bytesUploaded());
        assertEquals(1, later.chunksReused());
    }

    @Test
    void aReusedFileCountsAsSkippedAndItsChunksAsKnown() {
        byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
        String hash = ChunkHash.of(hello, 0, hello.length);
        ChunkUpload upload = new ChunkUpload(store);

        upload.reused(ManifestEntry.file("a", 0644, 5, Instant.EPOCH, List.of(hash)));
        upload.store(hello, hello.length);

        assertEquals(1, upload.filesSkipped());
        assertEquals(5, upload.bytesSkipped());
        assertEquals(2, upload.chunksReused());
        assertEquals(0, store.heads, "known from the reused file");
        assertEquals(List.of(), store.writes);
    }
}
