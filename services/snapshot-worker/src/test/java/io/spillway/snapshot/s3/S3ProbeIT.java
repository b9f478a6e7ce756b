package io.spillway.snapshot.s3;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import io.spillway.snapshot.domain.SnapshotException;
import software.amazon.awssdk.services.s3.S3Client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The readiness probe with the worker's own client against the test platform's s3proxy, set up right and wrong. */
class S3ProbeIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    @Test
    void theStoreAsConfiguredIsUp() {
        HealthCheckResponse response = probe(S3Settings.platform());

        assertEquals(HealthCheckResponse.Status.UP, response.getStatus(), () -> String.valueOf(response.getData()));
    }

    @Test
    void aWrongSecretKeyIsDownNamingTheKeySettingsWithoutShowingTheSecret() {
        S3Settings store = S3Settings.platform();
        S3Settings wrong = store.withKeys(store.accessKey(), Optional.of("not-the-secret-key"));

        HealthCheckResponse response = probe(wrong);

        assertEquals(HealthCheckResponse.Status.DOWN, response.getStatus());
        Map<String, Object> data = response.getData().orElseThrow();
        assertEquals("spillway.s3.access-key, spillway.s3.secret-key", data.get("setting"));
        String error = String.valueOf(data.get("error"));
        assertTrue(error.contains("spillway.s3.access-key=" + store.accessKey().orElseThrow()), error);
        assertFalse(error.contains("not-the-secret-key") || data.toString().contains("not-the-secret-key"),
                data::toString);
    }

    @Test
    void anUnknownAccessKeyIsDownNamingTheKeySettings() {
        S3Settings wrong = S3Settings.platform().withKeys(Optional.of("nobody"), Optional.of("nothing"));

        HealthCheckResponse response = probe(wrong);

        assertEquals(HealthCheckResponse.Status.DOWN, response.getStatus());
        assertEquals("spillway.s3.access-key, spillway.s3.secret-key", response.getData().orElseThrow().get("setting"));
    }

    @Test
    void aClosedPortIsDownNamingTheEndpointAndItsValue() throws IOException {
        String closed = "http://127.0.0.1:" + closedPort();

        HealthCheckResponse response = probe(S3Settings.platform().withEndpoint(closed));

        assertEquals(HealthCheckResponse.Status.DOWN, response.getStatus());
        Map<String, Object> data = response.getData().orElseThrow();
        assertEquals("spillway.s3.endpoint", data.get("setting"));
        assertTrue(String.valueOf(data.get("error")).contains("spillway.s3.endpoint=" + closed), data::toString);
    }

    @Test
    void aMissingBucketWithoutCreateBucketIsDownNamingTheBucket() {
        String bucket = "missing-" + UUID.randomUUID();

        HealthCheckResponse response = probe(S3Settings.platform().withBucket(bucket, false));

        assertEquals(HealthCheckResponse.Status.DOWN, response.getStatus());
        Map<String, Object> data = response.getData().orElseThrow();
        assertEquals("spillway.s3.bucket", data.get("setting"));
        assertTrue(String.valueOf(data.get("error")).contains("spillway.s3.bucket=" + bucket), data::toString);
    }

    @Test
    void aMissingBucketTheWorkerWillCreateIsUp() {
        HealthCheckResponse response = probe(S3Settings.platform().withBucket("missing-" + UUID.randomUUID(), true));

        assertEquals(HealthCheckResponse.Status.UP, response.getStatus(), () -> String.valueOf(response.getData()));
        assertTrue(response.getData().orElseThrow().containsKey("bucket-missing"));
    }

    @Test
    void s3proxyRefusesServerSideEncryptionAndTheFailureSaysSo() {
        // What s3proxy 3.3 does with x-amz-server-side-encryption (aws:kms and AES256 alike): 501 NotImplemented,
        // so a worker pointed at it with server-side encryption fails every write, saying why.
        S3Settings kms = S3Settings.platform().withServerSideEncryption("aws:kms", Optional.empty());
        try (S3Client s3 = S3ClientProducer.builder(kms).build()) {
            S3ObjectStore store = new S3ObjectStore(s3, kms.bucket(), false);
            byte[] data = "sealed".getBytes(StandardCharsets.UTF_8);

            var failure = assertThrows(SnapshotException.class,
                    () -> store.put("sse-probe/" + UUID.randomUUID(), data, 0, data.length));

            assertTrue(failure.getMessage().contains("501"), failure.getMessage());
            assertTrue(failure.getMessage().contains("spillway.s3.server-side-encryption"), failure.getMessage());
        }
    }

    private static HealthCheckResponse probe(S3Settings settings) {
        try (S3Client s3 = S3ClientProducer.builder(settings).build()) {
            return new S3Probe(s3, settings, TIMEOUT).check();
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
