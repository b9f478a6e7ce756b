package io.spillway.snapshot.messaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.function.Predicate;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.spillway.schemas.CloudEvent;
import io.spillway.schemas.SpillwayEvent;
import io.spillway.schemas.StorageEvent.FilesystemReady;
import io.spillway.schemas.StorageEvent.RestoreFailed;
import io.spillway.schemas.StorageEvent.RestoreRequested;
import io.spillway.schemas.StorageEvent.SnapshotRequested;
import io.spillway.schemas.StorageEvent.SnapshotRestored;
import io.spillway.schemas.StorageEvent.SnapshotUploaded;
import io.spillway.schemas.Topics;
import io.spillway.snapshot.config.SnapshotWorkerConfig;
import io.spillway.snapshot.domain.Manifest;
import io.spillway.snapshot.domain.ManifestEntry;
import io.spillway.snapshot.repository.BlobLocation;
import io.spillway.snapshot.s3.S3SnapshotStore;
import io.spillway.testing.PlatformTestResource;
import io.spillway.testing.TestEvents;
import io.spillway.testing.TopicWatchingTest;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@WithTestResource(PlatformTestResource.class)
class RestoreRequestIT extends TopicWatchingTest {

    RestoreRequestIT() {
        super(Topics.SNAPSHOTS);
    }

    @Inject
    SnapshotWorkerConfig.Snapshot sites;

    @Inject
    SnapshotWorkerConfig.S3 s3Config;

    @Inject
    S3Client s3;

    @Inject
    S3SnapshotStore store;

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
        SnapshotUploaded uploaded = await().atMost(TestEvents.TIMEOUT).until(() -> TestEvents.first(answers,
                SnapshotUploaded.class, e -> e.snapshotId().equals(snapshotId)), Optional::isPresent).orElseThrow();

        // First a restore of a snapshot that does not exist, on the same key: it is answered with RestoreFailed
        // before the next one, which must still be answered.
        String missing = "restore-" + UUID.randomUUID();
        String missingLocator = "snapshots/" + filesystem + "/nope.json";
        events.send(TestEvents.cloudEvent(new RestoreRequested(missing, missingLocator, "cloud", filesystem,
                List.of(), "burst-1")));
        String restoreId = "restore-" + UUID.randomUUID();
        events.send(TestEvents.cloudEvent(new RestoreRequested(restoreId, uploaded.locator(), "cloud", filesystem,
                List.of("imagenet/train"), "burst-1")));

        SnapshotRestored restored = await().atMost(TestEvents.TIMEOUT).until(() -> TestEvents.first(answers,
                SnapshotRestored.class, e -> e.restoreId().equals(restoreId)), Optional::isPresent).orElseThrow();
        assertEquals(uploaded.locator(), restored.locator());
        assertEquals("cloud", restored.site());
        assertEquals(filesystem, restored.filesystem());
        assertEquals("burst-1", restored.burstId());
        assertEquals(3, restored.files());
        assertEquals(shard.length + Files.size(source.resolve("README.md")) + Files.size(source.resolve("run.sh")),
                restored.bytes());
        assertFalse(TestEvents.first(answers, SnapshotRestored.class, e -> e.restoreId().equals(missing))
                .isPresent(), "a restore of a missing snapshot is not reported as restored");
        RestoreFailed failed = TestEvents.first(answers, RestoreFailed.class, e -> e.restoreId().equals(missing))
                .orElseThrow(() -> new AssertionError("a restore of a missing snapshot is answered with RestoreFailed,"
                        + " before the next restore on the same key"));
        assertEquals(missingLocator, failed.locator());
        assertEquals("cloud", failed.site());
        assertEquals(filesystem, failed.filesystem());
        assertEquals("burst-1", failed.burstId());
        assertTrue(failed.reason().startsWith("SNAPSHOT_NOT_FOUND: "), failed.reason());
        assertTrue(failed.reason().contains(missingLocator), failed.reason());

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

    @Test
    void answersRestoreFailedNamingTheChunkAndTheFileWhenAStoredChunkIsCorrupt() throws IOException {
        String filesystem = "corrupt-" + UUID.randomUUID().toString().substring(0, 8);
        Path source = root("onprem").resolve(filesystem);
        Files.createDirectories(source.resolve("data"));
        Files.write(source.resolve("data/weights.bin"), random(3 * 1024 * 1024));
        SnapshotUploaded uploaded = snapshot(filesystem);
        Manifest manifest = store.get(uploaded.locator()).orElseThrow();
        ManifestEntry weights = manifest.entries().stream().filter(e -> e.path().equals("data/weights.bin"))
                .findFirst().orElseThrow();
        String damaged = weights.chunks().get(weights.chunks().size() - 1);
        // Damage the chunk where it is stored, inside its pack: the bytes no longer hash to the chunk's name.
        BlobLocation location = store.locate(damaged).orElseThrow();
        byte[] pack = s3.getObjectAsBytes(r -> r.bucket(s3Config.bucket()).key(location.pack())).asByteArray();
        byte[] garbage = "not the chunk you stored".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(garbage, 0, pack, (int) location.offset() + 100, garbage.length);
        s3.putObject(r -> r.bucket(s3Config.bucket()).key(location.pack()), RequestBody.fromBytes(pack));

        String restoreId = "restore-" + UUID.randomUUID();
        events.send(TestEvents.cloudEvent(new RestoreRequested(restoreId, uploaded.locator(), "cloud", filesystem,
                List.of(), "burst-2")));

        RestoreFailed failed = await().atMost(TestEvents.TIMEOUT).until(() -> TestEvents.first(answers,
                RestoreFailed.class, e -> e.restoreId().equals(restoreId)), Optional::isPresent).orElseThrow();
        assertTrue(failed.reason().startsWith("CHUNK_CORRUPT: "), failed.reason());
        assertTrue(failed.reason().contains(damaged), "names the chunk: " + failed.reason());
        assertTrue(failed.reason().contains("data/weights.bin"), "names the file: " + failed.reason());
        assertEquals(uploaded.locator(), failed.locator());
        assertEquals("burst-2", failed.burstId());
        assertFalse(Files.exists(root("cloud").resolve(filesystem).resolve("data/weights.bin")),
                "no torn file is left in place");
        assertFalse(TestEvents.first(answers, SnapshotRestored.class, e -> e.restoreId().equals(restoreId))
                .isPresent());
    }

    @Test
    void saysThePriorityPathsAreReadyBeforeTheRestIsRestoredAndTheWholeFilesystemWithSnapshotRestored()
            throws IOException {
        String filesystem = "priority-" + UUID.randomUUID().toString().substring(0, 8);
        Path source = root("onprem").resolve(filesystem);
        Files.createDirectories(source.resolve("models/llama"));
        Files.createDirectories(source.resolve("datasets"));
        Files.write(source.resolve("models/llama/config.json"), random(2048));
        for (int i = 0; i < 4; i++) {
            Files.write(source.resolve("datasets/shard-" + i + ".bin"), random(2 * 1024 * 1024));
        }
        SnapshotUploaded uploaded = snapshot(filesystem);

        String restoreId = "restore-" + UUID.randomUUID();
        events.send(TestEvents.cloudEvent(new RestoreRequested(restoreId, uploaded.locator(), "cloud", filesystem,
                List.of("models"), "burst-3")));

        await().atMost(TestEvents.TIMEOUT).until(() -> TestEvents.first(answers, SnapshotRestored.class,
                e -> e.restoreId().equals(restoreId)).isPresent() && readyEvents(restoreId).size() == 2);
        List<ConsumerRecord<String, CloudEvent>> ready = readyEvents(restoreId);
        FilesystemReady priority = (FilesystemReady) ready.get(0).value().data();
        FilesystemReady whole = (FilesystemReady) ready.get(1).value().data();
        long restoredAt = offsetOf(SnapshotRestored.class, e -> e.restoreId().equals(restoreId));
        assertEquals(List.of("models"), priority.paths());
        assertTrue(ready.get(0).offset() < restoredAt, "priority paths ready (offset " + ready.get(0).offset()
                + ") before SnapshotRestored (offset " + restoredAt + ")");
        assertEquals(List.of(), whole.paths(), "then the whole filesystem");
        assertTrue(ready.get(1).offset() > restoredAt);
        Path mountPath = root("cloud").resolve(filesystem);
        for (FilesystemReady event : List.of(priority, whole)) {
            assertEquals("cloud", event.site());
            assertEquals(filesystem, event.filesystem());
            assertEquals(mountPath.toString(), event.mountPath());
        }
        assertArrayEquals(Files.readAllBytes(source.resolve("models/llama/config.json")),
                Files.readAllBytes(mountPath.resolve("models/llama/config.json")));
    }

    @Test
    void sendsOnlyTheWholeFilesystemReadyForARestoreWithoutPriorityPaths() throws IOException {
        String filesystem = "plain-" + UUID.randomUUID().toString().substring(0, 8);
        Path source = root("onprem").resolve(filesystem);
        Files.createDirectories(source);
        Files.write(source.resolve("a.bin"), random(1024));
        SnapshotUploaded uploaded = snapshot(filesystem);

        String restoreId = "restore-" + UUID.randomUUID();
        events.send(TestEvents.cloudEvent(new RestoreRequested(restoreId, uploaded.locator(), "cloud", filesystem,
                List.of(), null)));

        await().atMost(TestEvents.TIMEOUT).until(() -> readyEvents(restoreId).size() == 1);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> readyEvents(restoreId)
                .size() == 1);
        assertEquals(List.of(), ((FilesystemReady) readyEvents(restoreId).get(0).value().data()).paths());
    }

    @Test
    void restoresIntoATargetPathWithoutTouchingWhatTheFilesystemHolds() throws IOException {
        String filesystem = "results-" + UUID.randomUUID().toString().substring(0, 8);
        Path source = root("onprem").resolve(filesystem);
        Files.createDirectories(source.resolve("out"));
        Files.writeString(source.resolve("out/metrics.json"), "{\"loss\": 0.1}");
        SnapshotUploaded uploaded = snapshot(filesystem);
        Path home = root("cloud").resolve(filesystem);
        Files.createDirectories(home.resolve("out"));
        Files.writeString(home.resolve("out/metrics.json"), "home's own");

        String restoreId = "restore-" + UUID.randomUUID();
        String targetPath = ".spillway-bursts/burst-9/job-3";
        events.send(TestEvents.cloudEvent(new RestoreRequested(restoreId, uploaded.locator(), "cloud", filesystem,
                List.of(), "burst-9", targetPath)));
        await().atMost(TestEvents.TIMEOUT).until(() -> TestEvents.first(answers, SnapshotRestored.class,
                e -> e.restoreId().equals(restoreId)), Optional::isPresent);

        assertEquals("{\"loss\": 0.1}", Files.readString(home.resolve(targetPath).resolve("out/metrics.json")));
        assertEquals("home's own", Files.readString(home.resolve("out/metrics.json")), "home data is untouched");
        assertFalse(Files.exists(home.resolve(".spillway-conflicts")), "nothing was moved aside");
    }

    @Test
    void deadLettersATargetPathThatLeavesTheFilesystem() throws IOException {
        String filesystem = "escape-" + UUID.randomUUID().toString().substring(0, 8);
        Files.createDirectories(root("onprem").resolve(filesystem));
        Files.writeString(root("onprem").resolve(filesystem).resolve("a.txt"), "a");
        SnapshotUploaded uploaded = snapshot(filesystem);
        String restoreId = "restore-" + UUID.randomUUID();
        var deadLetters = events.watch("spillway.dlq.snapshot-worker");
        try {
            events.send(TestEvents.cloudEvent(new RestoreRequested(restoreId, uploaded.locator(), "cloud", filesystem,
                    List.of(), null, "../elsewhere")));

            await().atMost(TestEvents.TIMEOUT).until(() -> TestEvents.first(deadLetters, RestoreRequested.class,
                    e -> e.restoreId().equals(restoreId)), Optional::isPresent);
        } finally {
            deadLetters.close();
        }
        assertFalse(Files.exists(root("cloud").resolve("elsewhere")), "nothing is written outside the filesystem");
        assertFalse(TestEvents.first(answers, SnapshotRestored.class, e -> e.restoreId().equals(restoreId))
                .isPresent());
    }

    private SnapshotUploaded snapshot(String filesystem) {
        String snapshotId = UUID.randomUUID().toString();
        events.send(TestEvents.cloudEvent(new SnapshotRequested(snapshotId, "onprem", filesystem, null, null)));
        return await().atMost(TestEvents.TIMEOUT).until(() -> TestEvents.first(answers, SnapshotUploaded.class,
                e -> e.snapshotId().equals(snapshotId)), Optional::isPresent).orElseThrow();
    }

    /** The FilesystemReady records of a restore, in offset order (one key, so one partition). */
    private List<ConsumerRecord<String, CloudEvent>> readyEvents(String restoreId) {
        return answers.getRecords().stream()
                .filter(r -> r.value() != null && r.value().data() instanceof FilesystemReady ready
                        && ready.requestId().equals(restoreId))
                .sorted(Comparator.comparingLong(ConsumerRecord::offset))
                .toList();
    }

    private <E extends SpillwayEvent> long offsetOf(Class<E> type, Predicate<E> filter) {
        return answers.getRecords().stream()
                .filter(r -> r.value() != null && type.isInstance(r.value().data())
                        && filter.test(type.cast(r.value().data())))
                .mapToLong(ConsumerRecord::offset).findFirst().orElseThrow();
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random().nextBytes(bytes);
        return bytes;
    }

    private Path root(String site) {
        return sites.sites().get(site).root().toAbsolutePath();
    }
}
