package io.spillway.snapshot.s3;

import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.spillway.snapshot.config.SnapshotWorkerConfig;
import io.spillway.snapshot.domain.ChunkStore;
import io.spillway.snapshot.domain.Manifest;
import io.spillway.snapshot.domain.ManifestStore;
import io.spillway.snapshot.domain.SnapshotException;
import io.spillway.snapshot.domain.SnapshotException.Reason;
import io.spillway.snapshot.domain.SnapshotLayout;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyExistsException;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Chunks and manifests in one S3 bucket. Blocking: the SDK's synchronous client, used from worker threads. */
@ApplicationScoped
public class S3SnapshotStore implements ChunkStore, ManifestStore {

    private static final Logger LOG = Logger.getLogger(S3SnapshotStore.class);

    private final S3Client s3;
    private final String bucket;
    private final boolean createBucket;
    private volatile boolean bucketChecked;

    public S3SnapshotStore(S3Client s3, SnapshotWorkerConfig.S3 config) {
        this.s3 = s3;
        this.bucket = config.bucket();
        this.createBucket = config.createBucket();
    }

    @Override
    public boolean contains(String sha256) {
        String key = SnapshotLayout.chunkKey(sha256);
        ensureBucket();
        try {
            s3.headObject(request -> request.bucket(bucket).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            // HEAD has no body, so a missing key often arrives as a bare 404 rather than NoSuchKey.
            if (e.statusCode() == 404) {
                return false;
            }
            throw failure("HEAD " + key, e);
        } catch (SdkException e) {
            throw failure("HEAD " + key, e);
        }
    }

    @Override
    public void put(String sha256, byte[] data, int length) {
        String key = SnapshotLayout.chunkKey(sha256);
        ensureBucket();
        try {
            s3.putObject(request -> request.bucket(bucket).key(key).contentType("application/octet-stream"),
                    RequestBody.fromByteBuffer(ByteBuffer.wrap(data, 0, length)));
        } catch (SdkException e) {
            throw failure("PUT " + key, e);
        }
    }

    @Override
    public Optional<byte[]> fetch(String sha256) {
        String key = SnapshotLayout.chunkKey(sha256);
        ensureBucket();
        try {
            return Optional.of(s3.getObjectAsBytes(request -> request.bucket(bucket).key(key)).asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw failure("GET " + key, e);
        } catch (SdkException e) {
            throw failure("GET " + key, e);
        }
    }

    @Override
    public String put(Manifest manifest) {
        String key = SnapshotLayout.manifestKey(manifest.filesystem(), manifest.snapshotId());
        ensureBucket();
        try {
            s3.putObject(request -> request.bucket(bucket).key(key).contentType("application/json"),
                    RequestBody.fromBytes(ManifestJson.write(manifest)));
            return key;
        } catch (SdkException e) {
            throw failure("PUT " + key, e);
        }
    }

    @Override
    public Optional<Manifest> get(String locator) {
        ensureBucket();
        byte[] json;
        try {
            json = s3.getObjectAsBytes(request -> request.bucket(bucket).key(locator)).asByteArray();
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw failure("GET " + locator, e);
        } catch (SdkException e) {
            throw failure("GET " + locator, e);
        }
        try {
            return Optional.of(ManifestJson.read(json));
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new SnapshotException(Reason.OBJECT_STORE, "Manifest " + locator + " in bucket " + bucket
                    + " is not readable: " + e.getMessage(), e);
        }
    }

    public String bucket() {
        return bucket;
    }

    private void ensureBucket() {
        if (bucketChecked || !createBucket) {
            return;
        }
        try {
            s3.headBucket(request -> request.bucket(bucket));
        } catch (NoSuchBucketException e) {
            create();
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw failure("HEAD bucket " + bucket, e);
            }
            create();
        } catch (SdkException e) {
            throw failure("HEAD bucket " + bucket, e);
        }
        bucketChecked = true;
    }

    private void create() {
        try {
            s3.createBucket(request -> request.bucket(bucket));
            LOG.infof("Created bucket %s", bucket);
        } catch (BucketAlreadyOwnedByYouException | BucketAlreadyExistsException e) {
            // Another worker created it first.
        } catch (SdkException e) {
            throw failure("create bucket " + bucket, e);
        }
    }

    private SnapshotException failure(String operation, SdkException e) {
        return new SnapshotException(Reason.OBJECT_STORE, "Object store " + operation + " in bucket " + bucket
                + " failed: " + e.getMessage(), e);
    }
}
