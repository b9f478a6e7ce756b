package io.spillway.snapshot.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.jboss.logging.Logger;

import io.spillway.snapshot.domain.SnapshotException;
import io.spillway.snapshot.domain.SnapshotException.Reason;
import io.spillway.snapshot.repository.ObjectStore;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyExistsException;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/** One S3 bucket through the SDK's synchronous client, used from worker threads. */
public final class S3ObjectStore implements ObjectStore {

    private static final Logger LOG = Logger.getLogger(S3ObjectStore.class);
    /** DeleteObjects takes at most this many keys. */
    private static final int DELETE_BATCH = 1000;

    private final S3Client s3;
    private final String bucket;
    private final boolean createBucket;
    private volatile boolean bucketChecked;

    public S3ObjectStore(S3Client s3, String bucket, boolean createBucket) {
        this.s3 = s3;
        this.bucket = bucket;
        this.createBucket = createBucket;
    }

    public String bucket() {
        return bucket;
    }

    @Override
    public void put(String key, byte[] data, int offset, int length) {
        ensureBucket();
        try {
            // A content provider, not fromByteBuffer: that copies the 16 MiB pack once more.
            s3.putObject(request -> request.bucket(bucket).key(key).contentType("application/octet-stream"),
                    RequestBody.fromContentProvider(() -> new ByteArrayInputStream(data, offset, length), length,
                            "application/octet-stream"));
        } catch (SdkException e) {
            throw failure("PUT " + key, e);
        }
    }

    @Override
    public Optional<byte[]> get(String key) {
        ensureBucket();
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(request -> request.bucket(bucket).key(key))) {
            return Optional.of(readFully(in, in.response().contentLength(), "GET " + key));
        } catch (SdkException e) {
            return absentOr(e, "GET " + key);
        } catch (IOException e) {
            throw new SnapshotException(Reason.OBJECT_STORE, "Object store GET " + key + " in bucket " + bucket
                    + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean readRange(String key, long offset, int length, RangeReader reader) {
        ensureBucket();
        String range = "bytes=" + offset + "-" + (offset + length - 1);
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(request -> request.bucket(bucket).key(key)
                .range(range))) {
            reader.read(in);
            return true;
        } catch (SdkException e) {
            return absentOr(e, "GET " + key + " " + range).isPresent();
        } catch (IOException e) {
            throw new SnapshotException(Reason.OBJECT_STORE, "Object store GET " + key + " " + range + " in bucket "
                    + bucket + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public List<StoredObject> list(String prefix) {
        ensureBucket();
        List<StoredObject> keys = new ArrayList<>();
        try {
            for (S3Object object : s3.listObjectsV2Paginator(request -> request.bucket(bucket).prefix(prefix))
                    .contents()) {
                keys.add(new StoredObject(object.key(), object.size(), object.lastModified()));
            }
        } catch (SdkException e) {
            throw failure("LIST " + prefix, e);
        }
        return keys;
    }

    @Override
    public void delete(Collection<String> keys) {
        ensureBucket();
        List<String> all = new ArrayList<>(keys);
        for (int start = 0; start < all.size(); start += DELETE_BATCH) {
            List<ObjectIdentifier> batch = all.subList(start, Math.min(all.size(), start + DELETE_BATCH)).stream()
                    .map(key -> ObjectIdentifier.builder().key(key).build()).toList();
            try {
                var response = s3.deleteObjects(request -> request.bucket(bucket)
                        .delete(Delete.builder().objects(batch).quiet(true).build()));
                if (response.hasErrors() && !response.errors().isEmpty()) {
                    var first = response.errors().get(0);
                    throw new SnapshotException(Reason.OBJECT_STORE, "Object store DELETE of " + response.errors()
                            .size() + " objects in bucket " + bucket + " failed, first " + first.key() + ": "
                            + first.message());
                }
            } catch (SdkException e) {
                throw failure("DELETE " + batch.size() + " objects", e);
            }
        }
    }

    /** Reads a body of known length straight into one array: no growing buffer, no second copy. */
    private static byte[] readFully(InputStream in, Long contentLength, String operation) throws IOException {
        if (contentLength == null || contentLength < 0 || contentLength > Integer.MAX_VALUE - 8) {
            return in.readAllBytes();
        }
        byte[] bytes = new byte[contentLength.intValue()];
        int read = in.readNBytes(bytes, 0, bytes.length);
        if (read != bytes.length) {
            throw new IOException(operation + " ended after " + read + " of " + bytes.length + " bytes");
        }
        return bytes;
    }

    private Optional<byte[]> absentOr(SdkException e, String operation) {
        if (e instanceof NoSuchKeyException || e instanceof S3Exception s3e && s3e.statusCode() == 404) {
            return Optional.empty();
        }
        throw failure(operation, e);
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
        // s3proxy, for one, answers 501 to any server-side encryption header: say which setting asked for it.
        String hint = e instanceof S3Exception answer && answer.statusCode() == 501
                ? " (the store does not implement what the request asks for; if spillway.s3.server-side-encryption"
                        + " is set, this store may not support server-side encryption)"
                : "";
        return new SnapshotException(Reason.OBJECT_STORE, "Object store " + operation + " in bucket " + bucket
                + " failed: " + e.getMessage() + hint, e);
    }
}
