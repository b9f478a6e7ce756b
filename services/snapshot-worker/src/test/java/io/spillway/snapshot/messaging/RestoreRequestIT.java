package io.spillway.snapshot.messaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.spillway.schemas.CloudEvent;
import io.spillway.schemas.StorageEvent.RestoreRequested;
import io.spillway.schemas.StorageEvent.SnapshotRequested;
import io.spillway.schemas.StorageEvent.SnapshotRestored;
import io.spillway.schemas.StorageEvent.SnapshotUploaded;
import io.spillway.schemas.Topics;
import io.spillway.snapshot.config.SnapshotWorkerConfig;
import io.spillway.testing.PlatformTestResource;
import io.spillway.testing.TestEvents;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@WithTestResource(PlatformTestResource.class)
class RestoreRequestIT {

    @InjectKafkaCompanion
    KafkaCompanion kafka;

    @Inject
    SnapshotWorkerConfig.Snapshot sites;

    private TestEvents events;
    private ConsumerTask<String, CloudEvent> snapshots;

    @BeforeEach
    void watchAnswers() {
        events = new TestEvents(kafka);
        snapshots = events.watch(Topics.SNAPSHOTS);
    }

    @AfterEach
    void stopWatching() {
        snapshots.close();
    }

    @Test
    void restoresASnapshotOfSiteAAtSiteBAsAnIdenticalTree() throws IOException {
        String filesystem = "restore-" + UUID.randomUUID().toString().substring(0, 8);
        Path source = root("onprem").resolve(filesystem);
        Files.createDirectories(source.resolve("imagenet/train"));
        Files.createDirectories(source.resolve("scratch"));
        Files.writeString(source.resolve("README.md"), "hello " + filesystem, StandardCharsets.UTF_8);
        byte[] shard = new byte[5 * 1024 * 1024 + 3];
        new Random().nextBytes(shard);
        Files.write(source.resolve("imagenet/train/shard-0.bin"), shard);
        Files.writeString(source.resolve("run.sh"), "#!/bin/sh\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(source.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.createSymbolicLink(source.resolve("latest"), Path.of("imagenet/train"));
        String snapshotId = UUID.randomUUID().toString();
        events.send(TestEvents.cloudEvent(new SnapshotRequested(snapshotId, "onprem", filesystem, null, null)));
        SnapshotUploaded uploaded = await().atMost(TestEvents.TIMEOUT).until(() -> TestEvents.first(snapshots,
                SnapshotUploaded.class, e -> e.snapshotId().equals(snapshotId)), Optional::isPresent).orElseThrow();

        // First a restore of a snapshot that does not exist, on the same key: it is handled (logged, nothing
        // emitted) before the next one, which must still be answered.
        String missing = "restore-" + UUID.randomUUID();
        events.send(TestEvents.cloudEvent(new RestoreRequested(missing, "snapshots/" + filesystem + "/nope.json",
                "cloud", filesystem, List.of(), "burst-1")));
        String restoreId = "restore-" + UUID.randomUUID();
        events.send(TestEvents.cloudEvent(new RestoreRequested(restoreId, uploaded.locator(), "cloud", filesystem,
                List.of("imagenet/train"), "burst-1")));

        SnapshotRestored restored = await().atMost(TestEvents.TIMEOUT).until(() -> TestEvents.first(snapshots,
                SnapshotRestored.class, e -> e.restoreId().equals(restoreId)), Optional::isPresent).orElseThrow();
        assertEquals(uploaded.locator(), restored.locator());
        assertEquals("cloud", restored.site());
        assertEquals(filesystem, restored.filesystem());
        assertEquals("burst-1", restored.burstId());
        assertEquals(3, restored.files());
        assertEquals(shard.length + Files.size(source.resolve("README.md")) + Files.size(source.resolve("run.sh")),
                restored.bytes());
        assertFalse(TestEvents.first(snapshots, SnapshotRestored.class, e -> e.restoreId().equals(missing))
                .isPresent(), "a restore of a missing snapshot is not reported as restored");

        Path target = root("cloud").resolve(filesystem);
        assertTrue(Files.isDirectory(target.resolve("scratch")));
        for (String file : List.of("README.md", "imagenet/train/shard-0.bin", "run.sh")) {
            assertArrayEquals(Files.readAllBytes(source.resolve(file)), Files.readAllBytes(target.resolve(file)), file);
            assertEquals(Files.getLastModifiedTime(source.resolve(file)), Files.getLastModifiedTime(
                    target.resolve(file)), file);
            assertEquals(Files.getPosixFilePermissions(source.resolve(file)), Files.getPosixFilePermissions(
                    target.resolve(file)), file);
        }
        assertEquals(Path.of("imagenet/train"), Files.readSymbolicLink(target.resolve("latest")));
        assertFalse(Files.exists(target.resolve(".spillway-conflicts"), LinkOption.NOFOLLOW_LINKS),
                "nothing was at site B, so nothing was moved aside");
    }

    private Path root(String site) {
        return sites.sites().get(site).root().toAbsolutePath();
    }
}
