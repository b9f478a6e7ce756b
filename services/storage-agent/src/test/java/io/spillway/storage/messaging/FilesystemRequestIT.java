package io.spillway.storage.messaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.spillway.schemas.CloudEvent;
import io.spillway.schemas.CloudEventHeaders;
import io.spillway.schemas.EventType;
import io.spillway.schemas.StorageEvent.FilesystemReady;
import io.spillway.schemas.StorageEvent.FilesystemRequested;
import io.spillway.schemas.StorageEvent.SnapshotRestored;
import io.spillway.schemas.Topics;
import io.spillway.storage.config.StorageAgentConfig;
import io.spillway.testing.PlatformTestResource;
import io.spillway.testing.TestEvents;
import io.spillway.testing.TopicWatchingTest;

import static io.spillway.testing.ServiceCalls.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@WithTestResource(PlatformTestResource.class)
class FilesystemRequestIT extends TopicWatchingTest {

    FilesystemRequestIT() {
        super(Topics.SNAPSHOTS);
    }

    @Inject
    StorageAgentConfig config;

    @Test
    void createsTheDirectoryAndAnswersReadyForAFilesystemRequestedAtThisSite() {
        String filesystem = unique("datasets");
        String requestId = UUID.randomUUID().toString();

        events.send(TestEvents.cloudEvent(new FilesystemRequested(requestId, "onprem", filesystem)));

        FilesystemReady ready = awaitReady(requestId);
        Path expected = config.root().toAbsolutePath().normalize().resolve(filesystem);
        assertEquals("onprem", ready.site());
        assertEquals(filesystem, ready.filesystem());
        assertEquals(expected.toString(), ready.mountPath());
        assertTrue(Path.of(ready.mountPath()).isAbsolute());
        assertTrue(Files.isDirectory(expected), "the filesystem's directory exists");
        assertEquals(List.of(), ready.paths());

        given().get("/api/v1/filesystems").then().statusCode(200)
                .body("name", hasItem(filesystem))
                .body("find { it.name == '" + filesystem + "' }.path", equalTo(expected.toString()));
    }

    @Test
    void answersReadyAgainForAFilesystemThatExistsAndKeepsItsFiles() throws IOException {
        String filesystem = unique("results");
        String first = UUID.randomUUID().toString();
        events.send(TestEvents.cloudEvent(new FilesystemRequested(first, "onprem", filesystem)));
        Path directory = Path.of(awaitReady(first).mountPath());
        Files.writeString(directory.resolve("model.bin"), "weights", StandardCharsets.UTF_8);

        String second = UUID.randomUUID().toString();
        events.send(TestEvents.cloudEvent(new FilesystemRequested(second, "onprem", filesystem)));

        assertEquals(directory.toString(), awaitReady(second).mountPath());
        assertEquals("weights", Files.readString(directory.resolve("model.bin")));
        given().get("/api/v1/filesystems").then().statusCode(200)
                .body("find { it.name == '" + filesystem + "' }.bytesUsed", greaterThanOrEqualTo(7));
    }

    @Test
    void answersARedeliveredRequestOnlyOnce() {
        String filesystem = unique("scratch");
        String requestId = UUID.randomUUID().toString();
        CloudEvent request = TestEvents.cloudEvent(new FilesystemRequested(requestId, "onprem", filesystem));
        events.send(request);
        events.send(request);
        // Same key, same partition: once this later request is answered, the redelivery has been handled too.
        String later = UUID.randomUUID().toString();
        events.send(TestEvents.cloudEvent(new FilesystemRequested(later, "onprem", filesystem)));
        awaitReady(later);

        assertEquals(1, TestEvents.seen(answers, FilesystemReady.class, r -> r.requestId().equals(requestId))
                .size());
    }

    @Test
    void ignoresARequestForAnotherSite() {
        String elsewhere = unique("elsewhere");
        String otherSiteRequest = UUID.randomUUID().toString();
        String key = "ordering-" + UUID.randomUUID();
        events.send(TestEvents.cloudEvent(new FilesystemRequested(otherSiteRequest, "cloud", elsewhere)), key);
        String mine = UUID.randomUUID().toString();
        events.send(TestEvents.cloudEvent(new FilesystemRequested(mine, "onprem", unique("mine"))), key);
        // Both on one partition: once the later request is answered, the other site's has been consumed.
        awaitReady(mine);

        assertTrue(TestEvents.seen(answers, FilesystemReady.class,
                r -> r.requestId().equals(otherSiteRequest)).isEmpty(), "another site's request is not answered here");
        assertFalse(Files.exists(config.root().resolve(elsewhere)), "no directory for another site's filesystem");
    }

    @Test
    void cataloguesAFilesystemRestoredAtThisSiteSoJobsCanMountIt() throws IOException {
        String restored = unique("restored");
        String elsewhere = unique("restored-elsewhere");
        Path directory = Files.createDirectories(config.root().toAbsolutePath().normalize().resolve(restored));
        Files.writeString(directory.resolve("train.bin"), "data", StandardCharsets.UTF_8);
        String key = "ordering-" + UUID.randomUUID();
        events.send(TestEvents.cloudEvent(new SnapshotRestored(UUID.randomUUID().toString(), "snapshots/x.json",
                "cloud", elsewhere, 1, 4, 10, null)), key);
        events.send(TestEvents.cloudEvent(new SnapshotRestored(UUID.randomUUID().toString(), "snapshots/y.json",
                "onprem", restored, 1, 4, 10, null)), key);

        await().atMost(TestEvents.TIMEOUT).untilAsserted(() -> given().get("/api/v1/filesystems/" + restored)
                .then().statusCode(200)
                .body("path", equalTo(directory.toString()))
                .body("files", equalTo(1)));
        given().contentType("application/json").body("{\"jobId\":\"job-after-restore\"}")
                .post("/api/v1/filesystems/" + restored + "/mounts")
                .then().statusCode(201).body("hostPath", equalTo(directory.toRealPath().toString()));
        // Same partition, sent first: consumed by now, and not this site's.
        given().get("/api/v1/filesystems/" + elsewhere).then().statusCode(404);
    }

    @Test
    void deadLettersARequestWhoseNameIsNotAFilesystemName() {
        ConsumerTask<String, byte[]> deadLetters = kafka.consume(byte[].class)
                .fromTopics(Topics.deadLetter("storage-agent"));
        String ceId = UUID.randomUUID().toString();
        RecordHeaders headers = new RecordHeaders();
        headers.add(CloudEventHeaders.ID, bytes(ceId));
        headers.add(CloudEventHeaders.SOURCE, bytes("/sites/test/it"));
        headers.add(CloudEventHeaders.SPEC_VERSION, bytes("1.0"));
        headers.add(CloudEventHeaders.TYPE, bytes(EventType.FILESYSTEM_REQUESTED.ceType()));
        byte[] data = bytes("{\"requestId\":\"r-1\",\"site\":\"onprem\",\"filesystem\":\"../../etc\"}");
        kafka.produce(byte[].class)
                .fromRecords(new ProducerRecord<>(Topics.SNAPSHOTS, null, "bad", data, headers))
                .awaitCompletion(TestEvents.TIMEOUT);

        await().atMost(TestEvents.TIMEOUT).until(() -> deadLetters.getRecords().stream()
                .anyMatch(r -> ceId.equals(header(r, CloudEventHeaders.ID))));
        ConsumerRecord<String, byte[]> dead = deadLetters.getRecords().stream()
                .filter(r -> ceId.equals(header(r, CloudEventHeaders.ID))).findFirst().orElseThrow();
        String reason = header(dead, "dead-letter-reason");
        assertTrue(reason != null && reason.contains("filesystem"), "dead-lettered with its cause: " + reason);
        assertFalse(Files.exists(config.root().resolve("etc")));
    }

    private FilesystemReady awaitReady(String requestId) {
        return await().atMost(TestEvents.TIMEOUT).until(
                () -> TestEvents.first(answers, FilesystemReady.class, r -> r.requestId().equals(requestId)),
                Optional::isPresent).orElseThrow();
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        return KafkaCompanion.getHeader(record.headers(), name);
    }
}
