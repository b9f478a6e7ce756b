package io.spillway.snapshot.s3;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.spillway.snapshot.config.SnapshotWorkerConfig;
import io.spillway.snapshot.repository.PackStore;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The worker's snapshot repository in its S3 bucket ({@code spillway.s3.*}), sealed as configured. A singleton, not
 * application-scoped: a client proxy would need a no-argument constructor the repository does not have.
 */
@Singleton
public class S3SnapshotStore extends PackStore {

    private final S3ObjectStore objects;

    @Inject
    public S3SnapshotStore(S3Client s3, SnapshotWorkerConfig.S3 config, SnapshotWorkerConfig.Snapshot snapshot) {
        this(new S3ObjectStore(s3, config.bucket(), config.createBucket()), snapshot);
    }

    private S3SnapshotStore(S3ObjectStore objects, SnapshotWorkerConfig.Snapshot snapshot) {
        super(objects, EncryptionKeys.sealer(snapshot.encryption()), snapshot.packSizeMib() * 1024 * 1024,
                snapshot.uploadThreads());
        this.objects = objects;
    }

    public String bucket() {
        return objects.bucket();
    }

    @PreDestroy
    void stop() {
        close();
    }
}
