package io.spillway.snapshot.s3;

import java.util.Optional;

import io.spillway.snapshot.config.SnapshotWorkerConfig;
import io.spillway.testing.TestPlatform;

/** {@code spillway.s3.*} as a value, for tests that build the worker's client without the application. */
record S3Settings(Optional<String> endpoint, String region, Optional<String> accessKey, Optional<String> secretKey,
        String bucket, boolean pathStyleAccess, boolean createBucket, String serverSideEncryption,
        Optional<String> kmsKeyId) implements SnapshotWorkerConfig.S3 {

    /** The test platform's s3proxy, as the worker is configured for it. */
    static S3Settings platform() {
        var store = TestPlatform.shared().quarkusConfig();
        return new S3Settings(Optional.of(store.get("spillway.s3.endpoint")), store.get("spillway.s3.region"),
                Optional.of(store.get("spillway.s3.access-key")), Optional.of(store.get("spillway.s3.secret-key")),
                store.get("spillway.s3.bucket"), true, false, "none", Optional.empty());
    }

    /** A store at {@code endpoint} with static keys and no server-side encryption. */
    static S3Settings at(String endpoint) {
        return new S3Settings(Optional.of(endpoint), "us-east-1", Optional.of("test-access"),
                Optional.of("test-secret-key"), "spillway", true, false, "none", Optional.empty());
    }

    S3Settings withEndpoint(String endpoint) {
        return new S3Settings(Optional.of(endpoint), region, accessKey, secretKey, bucket, pathStyleAccess,
                createBucket, serverSideEncryption, kmsKeyId);
    }

    S3Settings withKeys(Optional<String> accessKey, Optional<String> secretKey) {
        return new S3Settings(endpoint, region, accessKey, secretKey, bucket, pathStyleAccess, createBucket,
                serverSideEncryption, kmsKeyId);
    }

    S3Settings withBucket(String bucket, boolean createBucket) {
        return new S3Settings(endpoint, region, accessKey, secretKey, bucket, pathStyleAccess, createBucket,
                serverSideEncryption, kmsKeyId);
    }

    S3Settings withPathStyleAccess(boolean pathStyleAccess) {
        return new S3Settings(endpoint, region, accessKey, secretKey, bucket, pathStyleAccess, createBucket,
                serverSideEncryption, kmsKeyId);
    }

    S3Settings withServerSideEncryption(String mode, Optional<String> kmsKeyId) {
        return new S3Settings(endpoint, region, accessKey, secretKey, bucket, pathStyleAccess, createBucket, mode,
                kmsKeyId);
    }
}
