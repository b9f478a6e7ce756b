package io.spillway.snapshot.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.spillway.schemas.StorageEvent.RestoreRequested;
import io.spillway.schemas.StorageEvent.SnapshotFailed;
import io.spillway.schemas.StorageEvent.SnapshotProgress;
import io.spillway.schemas.StorageEvent.SnapshotRequested;
import io.spillway.schemas.StorageEvent.SnapshotRestored;
import io.spillway.schemas.StorageEvent.SnapshotUploaded;
import io.spillway.schemas.Topics;
import io.spillway.snapshot.config.SnapshotWorkerConfig;
import io.spillway.testing.TestEvents;
import io.spillway.testing.TopicWatchingTest;
import software.amazon.awssdk.services.s3.S3Client;

import static io.spillway.testing.ServiceCalls.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The object store goes away in the middle of an upload: the snapshot ends FAILED with the store named, nothing of it
 * is visible as a snapshot, and once the store is back the next snapshot of the same filesystem uploads, restores
 * byte for byte and the repository checks whole.
 */
@QuarkusTest
@WithTestResource(PrivateObjectStore.class)
class ObjectStoreOutageIT extends TopicWatchingTest {

    private static final int MIB = 1024 * 1024;
    private static final Duration FAILURE_PATIENCE = Duration.ofMinutes(3);

    @Inject
    SnapshotWorkerConfig.Snapshot sites;

    @Inject
    S3Client s3;

    @Inject
    SnapshotWorkerConfig.S3 store;

    ObjectStoreOutageIT() {
        super(Topics.SNAPSHOTS);
    }

    @Test
    void aSnapshotWhoseStoreStopsMidUploadFailsLeavesNothingHalfVisibleAndTheNextOneIsWhole() throws IOException {
        String filesystem = "outage-" + UUID.randomUUID().toString().substring(0, 8);
        Path source = sites.sites().get("onprem").root().toAbsolutePath().resolve(filesystem);
        Files.createDirectories(source);
        Random random = new Random(18);
        for (int i = 0; i < 12; i++) {
            byte[] shard = new byte[4 * MIB];
            random.nextBytes(shard);
            Files.write(source.resolve("shard-" + i + ".bin"), shard);
        }
        String interrupted = UUID.randomUUID().toString();

        events.send(TestEvents.cloudEvent(new SnapshotRequested(interrupted, "onprem", filesystem, null, null)));
        await().atMost(TestEvents.TIMEOUT).until(() -> TestEvents.first(answers, SnapshotProgress.class,
                progress -> progress.snapshotId().equals(interrupted) && progress.bytesDone() > 0).isPresent());
        PrivateObjectStore.stopStore();

        SnapshotFailed failed = await().atMost(FAILURE_PATIENCE).until(() -> TestEvents.first(answers,
                SnapshotFailed.class, e -> e.snapshotId().equals(interrupted)), Optional::isPresent).orElseThrow();
        assertTrue(failed.reason().startsWith("OBJECT_STORE"), "the store is named: " + failed.reason());
        assertTrue(TestEvents.first(answers, SnapshotUploaded.class, e -> e.snapshotId().equals(interrupted))
                .isEmpty(), "never reported uploaded");

        PrivateObjectStore.startStore();
        String bucket = store.bucket();
        assertTrue(s3.listObjectsV2(request -> request.bucket(bucket).prefix("snapshots/" + filesystem + "/"))
                .contents().isEmpty(), "no manifest of the failed snapshot: nothing restorable is half there");

        String whole = UUID.randomUUID().toString();
        events.send(TestEvents.cloudEvent(new SnapshotRequested(whole, "onprem", filesystem, null, null)));
        SnapshotUploaded uploaded = await().atMost(TestEvents.TIMEOUT).until(() -> TestEvents.first(answers,
                SnapshotUploaded.class, e -> e.snapshotId().equals(whole)), Optional::isPresent).orElseThrow();
        String restoreId = "restore-" + UUID.randomUUID();
        events.send(TestEvents.cloudEvent(new RestoreRequested(restoreId, uploaded.locator(), "cloud", filesystem,
                List.of(), null)));
        await().atMost(TestEvents.TIMEOUT).until(() -> TestEvents.first(answers, SnapshotRestored.class,
                e -> e.restoreId().equals(restoreId)).isPresent());
        Path restored = sites.sites().get("cloud").root().toAbsolutePath().resolve(filesystem);
        for (int i = 0; i < 12; i++) {
            assertArrayEquals(Files.readAllBytes(source.resolve("shard-" + i + ".bin")),
                    Files.readAllBytes(restored.resolve("shard-" + i + ".bin")), "shard " + i);
        }

        given().contentType(ContentType.JSON).body(Map.of("readData", true)).post("/api/v1/snapshots/check")
                .then().statusCode(200).body("ok", equalTo(true));
    }
}
