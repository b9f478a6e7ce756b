package io.spillway.snapshot.s3;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the worker's client puts on the wire for {@code spillway.s3.server-side-encryption}: the requests reach a
 * local listener, since s3proxy answers 501 to every server-side encryption header (see S3ProbeIT) and AWS is not
 * here.
 */
class ServerSideEncryptionTest {

    private static final String KEY = "arn:aws:kms:eu-west-1:111122223333:key/0d1e2f3a-aaaa-bbbb-cccc-123456789012";
    private static final String SSE = "x-amz-server-side-encryption";
    private static final String SSE_KEY = "x-amz-server-side-encryption-aws-kms-key-id";

    /** Answers like S3 would: an ETag for PUTs and parts, an upload id for a new multipart upload. */
    private final FakeHttpServer store = new FakeHttpServer(request -> {
        if (request.method().equals("POST") && request.pathAndQuery().contains("uploads")) {
            return new FakeHttpServer.Response(200, Map.of("Content-Type", "application/xml"),
                    "<InitiateMultipartUploadResult><Bucket>spillway</Bucket><Key>big</Key>"
                            + "<UploadId>upload-1</UploadId></InitiateMultipartUploadResult>");
        }
        return new FakeHttpServer.Response(200, Map.of("ETag", "\"d41d8cd98f00b204e9800998ecf8427e\""), "");
    });

    @AfterEach
    void stop() {
        store.close();
    }

    @Test
    void everyPackTheWorkerWritesAsksForTheKmsKey() {
        try (S3Client s3 = client("aws:kms", Optional.of(KEY))) {
            new S3ObjectStore(s3, "spillway", false).put("packs/ab/abcdef", bytes("pack"), 0, 4);
        }

        FakeHttpServer.Request put = only("PUT");
        assertEquals("/spillway/packs/ab/abcdef", put.pathAndQuery());
        assertEquals("aws:kms", put.header(SSE));
        assertEquals(KEY, put.header(SSE_KEY));
    }

    @Test
    void aMultipartUploadAsksForTheKeyWhenItStartsAndNotWithItsParts() {
        try (S3Client s3 = client("aws:kms", Optional.of(KEY))) {
            String upload = s3.createMultipartUpload(request -> request.bucket("spillway").key("big")).uploadId();
            s3.uploadPart(request -> request.bucket("spillway").key("big").uploadId(upload).partNumber(1),
                    RequestBody.fromBytes(bytes("part")));
        }

        FakeHttpServer.Request create = only("POST");
        assertEquals("aws:kms", create.header(SSE));
        assertEquals(KEY, create.header(SSE_KEY));
        FakeHttpServer.Request part = only("PUT");
        assertTrue(part.pathAndQuery().contains("partNumber=1"), part.pathAndQuery());
        // S3 rejects these headers on UploadPart: the part is encrypted as its upload says.
        assertNull(part.header(SSE));
        assertNull(part.header(SSE_KEY));
    }

    @Test
    void kmsWithoutAKeyLeavesTheChoiceToTheBucket() {
        try (S3Client s3 = client("aws:kms", Optional.empty())) {
            new S3ObjectStore(s3, "spillway", false).put("index/1", bytes("index"), 0, 5);
        }

        assertEquals("aws:kms", only("PUT").header(SSE));
        assertNull(only("PUT").header(SSE_KEY));
    }

    @Test
    void aes256AsksForS3ManagedKeys() {
        try (S3Client s3 = client("AES256", Optional.empty())) {
            new S3ObjectStore(s3, "spillway", false).put("snapshots/fs/1.json", bytes("{}"), 0, 2);
        }

        assertEquals("AES256", only("PUT").header(SSE));
        assertNull(only("PUT").header(SSE_KEY));
    }

    @Test
    void noneSendsNoEncryptionHeader() {
        try (S3Client s3 = client("none", Optional.empty())) {
            new S3ObjectStore(s3, "spillway", false).put("packs/cd/cdef", bytes("pack"), 0, 4);
        }

        assertNull(only("PUT").header(SSE));
    }

    @Test
    void anUnknownModeStopsTheWorkerNamingTheSetting() {
        var failure = assertThrows(IllegalStateException.class, () -> S3ClientProducer.builder(
                S3Settings.at(store.endpoint()).withServerSideEncryption("kms", Optional.empty())));

        assertTrue(failure.getMessage().startsWith("spillway.s3.server-side-encryption=kms is not one of"),
                failure.getMessage());
    }

    @Test
    void aKmsKeyWithoutKmsStopsTheWorkerNamingBothSettings() {
        var failure = assertThrows(IllegalStateException.class, () -> S3ClientProducer.builder(
                S3Settings.at(store.endpoint()).withServerSideEncryption("AES256", Optional.of(KEY))));

        assertTrue(failure.getMessage().contains("spillway.s3.kms-key-id"), failure.getMessage());
        assertTrue(failure.getMessage().contains("spillway.s3.server-side-encryption=AES256"), failure.getMessage());
    }

    private S3Client client(String mode, Optional<String> key) {
        return S3ClientProducer.builder(S3Settings.at(store.endpoint()).withServerSideEncryption(mode, key)).build();
    }

    private FakeHttpServer.Request only(String method) {
        List<FakeHttpServer.Request> matching = store.requests().stream().filter(r -> r.method().equals(method))
                .toList();
        assertEquals(1, matching.size(), () -> "one " + method + " in " + store.requests());
        return matching.get(0);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
