package io.spillway.snapshot.s3;

import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.spillway.snapshot.config.SnapshotWorkerConfig;
import io.spillway.snapshot.domain.ChunkStore;
import io.spillway.snapshot.domain.GcResult;
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
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Chunks and manifests in one S3 bucket. Blocking: the SDK's synchronous client, used from worker threads. */
@ApplicationScoped
public class S3SnapshotStore implements ChunkStore, ManifestStore {

    private static final Logger LOG = Logger.getLogger(S3SnapshotStore.class);
    /** The most keys one DeleteObjects request takes. */
    private static final int DELETE_BATCH = 1000;
    private static final String CHUNKS_PREFIX = "chunks/";
    private static final String MANIFESTS_PREFIX = "snapshots/";

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

    @Override
    public List<String> list() {
        ensureBucket();
        List<String> locators = new ArrayList<>();
        try {
            s3.listObjectsV2Paginator(request -> request.bucket(bucket).prefix(MANIFESTS_PREFIX)).contents()
                    .forEach(object -> {
                        if (object.key().endsWith(".json")) {
                            locators.add(object.key());
                        }
                    });
        } catch (SdkException e) {
            throw failure("LIST " + MANIFESTS_PREFIX, e);
        }
        return locators;
    }

    @Override
    public void delete(String locator) {
        ensureBucket();
        try {
            // S3 answers a DELETE of a missing key with success, so a repeated delete changes nothing.
            s3.deleteObject(request -> request.bucket(bucket).key(locator));
        } catch (SdkException e) {
            throw failure("DELETE " + locator, e);
        }
    }

    @Override
    public GcResult collectGarbage(Set<String> referenced, Instant storedBefore) {
        ensureBucket();
        long kept = 0;
        long deleted = 0;
        long bytes = 0;
        List<ObjectIdentifier> batch = new ArrayList<>();
        try {
            for (var object : s3.listObjectsV2Paginator(request -> request.bucket(bucket).prefix(CHUNKS_PREFIX))
                    .contents()) {
                String hash = object.key().substring(CHUNKS_PREFIX.length());
                if (referenced.contains(hash) || !object.lastModified().isBefore(storedBefore)) {
                    kept++;
                    continue;
                }
                batch.add(ObjectIdentifier.builder().key(object.key()).build());
                deleted++;
                bytes += object.size();
                if (batch.size() == DELETE_BATCH) {
                    deleteAll(batch);
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) {
                deleteAll(batch);
            }
        } catch (SdkException e) {
            throw failure("garbage collection of " + CHUNKS_PREFIX, e);
        }
        return new GcResult(kept, deleted, bytes);
    }

    private void deleteAll(List<ObjectIdentifier> keys) {
        DeleteObjectsResponse response = s3.deleteObjects(
                request -> request.bucket(bucket).delete(delete -> delete.objects(keys).quiet(true)));
        if (response.hasErrors() && !response.errors().isEmpty()) {
            var first = response.errors().get(0);
            throw new SnapshotException(Reason.OBJECT_STORE, "Object store DELETE of " + response.errors().size()
                    + " chunks in bucket " + bucket + " failed, first " + first.key() + ": " + first.code() + " "
                    + first.message());
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
