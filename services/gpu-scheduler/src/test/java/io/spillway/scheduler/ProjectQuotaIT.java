package io.spillway.scheduler;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.spillway.kit.Transactions;
import io.spillway.scheduler.domain.ProjectQuota;
import io.spillway.scheduler.persistence.ProjectStore;
import io.spillway.schemas.CloudEvent;
import io.spillway.schemas.CloudEventHeaders;
import io.spillway.schemas.CloudEventSerializer;
import io.spillway.schemas.EventType;
import io.spillway.schemas.PoolShare;
import io.spillway.schemas.ProjectEvent;
import io.spillway.schemas.ProjectEvent.ProjectDeleted;
import io.spillway.schemas.ProjectEvent.ProjectUpdated;
import io.spillway.schemas.Topics;
import io.spillway.testing.PlatformTestResource;

import static io.spillway.testing.ServiceCalls.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The site's copy of every project's quota follows {@code spillway.projects} on the real broker, once per event. */
@QuarkusTest
@QuarkusTestResource(PlatformTestResource.class)
class ProjectQuotaIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @InjectKafkaCompanion
    KafkaCompanion companion;

    @Inject
    Transactions transactions;

    @Inject
    ProjectStore store;

    @Test
    void keepsEachProjectsLatestStateAndARedeliveredEventChangesNothing() {
        String name = "quota-" + UUID.randomUUID().toString().substring(0, 8);
        CloudEvent created = fromIntake(new ProjectUpdated(name, 2, 3, 4.0, "research",
                Map.of("a100", new PoolShare(1, 2.0))));

        send(created);
        await().atMost(TIMEOUT).until(() -> published(name).isPresent());
        assertEquals(new ProjectQuota(name, 2, 3, 4.0, "research",
                Map.of("a100", new ProjectQuota.PoolQuota(1, 2.0))), stored(name).orElseThrow(),
                "the table, as the scheduler reads it, with the share in pool a100");

        send(fromIntake(new ProjectUpdated(name, 1.5, 0, null, null)));
        ProjectQuota changed = new ProjectQuota(name, 1.5, 0, null, null);
        await().atMost(TIMEOUT).until(() -> published(name).equals(Optional.of(changed)));
        assertEquals(changed, stored(name).orElseThrow());

        awaitHandled(send(created));
        assertEquals(Optional.of(changed), published(name), "the redelivered first update did not undo the second");

        send(fromIntake(new ProjectDeleted(name)));
        await().atMost(TIMEOUT).until(() -> published(name).isEmpty());
        assertTrue(stored(name).isEmpty());

        awaitHandled(send(created));
        assertEquals(Optional.empty(), published(name), "the redelivered update did not bring the project back");
    }

    @Test
    void deadLettersAProjectUpdateThatBreaksItsSchemaNamingTheField() {
        String name = "broken-" + UUID.randomUUID().toString().substring(0, 8);
        RecordHeaders headers = new RecordHeaders();
        headers.add(CloudEventHeaders.ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        headers.add(CloudEventHeaders.TYPE, EventType.PROJECT_UPDATED.ceType().getBytes(StandardCharsets.UTF_8));
        headers.add(CloudEventHeaders.SOURCE, "/sites/onprem/test".getBytes(StandardCharsets.UTF_8));
        headers.add(CloudEventHeaders.SPEC_VERSION, "1.0".getBytes(StandardCharsets.UTF_8));
        byte[] negative = ("{\"project\": \"" + name + "\", \"deservedGpus\": -1, \"overQuotaWeight\": 1}")
                .getBytes(StandardCharsets.UTF_8);

        companion.produce(String.class, byte[].class)
                .fromRecords(new ProducerRecord<>(Topics.PROJECTS, null, name, negative, headers))
                .awaitCompletion(TIMEOUT);

        var deadLetters = companion.consume(String.class, byte[].class)
                .withProp("auto.offset.reset", "earliest")
                .fromTopics(Topics.deadLetter("gpu-scheduler"));
        try {
            await().atMost(TIMEOUT).until(() -> deadLetters.getRecords().stream().anyMatch(r -> name.equals(r.key())));
            ConsumerRecord<String, byte[]> dead = deadLetters.getRecords().stream()
                    .filter(r -> name.equals(r.key())).findFirst().orElseThrow();
            String reason = new String(dead.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8);
            assertTrue(reason.contains("deservedGpus"), reason);
            assertEquals(new String(headers.lastHeader(CloudEventHeaders.ID).value(), StandardCharsets.UTF_8),
                    new String(dead.headers().lastHeader(CloudEventHeaders.ID).value(), StandardCharsets.UTF_8),
                    "the dead letter is the event as it was sent, to fix and replay");
        } finally {
            deadLetters.stop();
        }
        assertEquals(Optional.empty(), published(name));
    }

    /** The event as job-intake's outbox relay sends it. */
    private static CloudEvent fromIntake(ProjectEvent event) {
        return CloudEvent.of(CloudEvent.source("onprem", "job-intake"), event, null);
    }

    private RecordMetadata send(CloudEvent event) {
        return companion.produceWithSerializers(new StringSerializer(), new CloudEventSerializer())
                .fromRecords(new ProducerRecord<>(Topics.PROJECTS, event.subject(), event))
                .awaitCompletion(TIMEOUT)
                .getLastRecord();
    }

    /** Waits until the scheduler's consumer group has committed past {@code record}: it was handled. */
    private void awaitHandled(RecordMetadata record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        await().atMost(TIMEOUT).until(() -> {
            var committed = companion.consumerGroups().offsets(JobsTopic.SCHEDULER_GROUP, partition);
            return committed != null && committed.offset() > record.offset();
        });
    }

    /** The project as {@code GET /api/v1/scheduler/projects} shows it. */
    private static Optional<ProjectQuota> published(String name) {
        ProjectQuota[] all = given().get("/api/v1/scheduler/projects").then().statusCode(200)
                .extract().as(ProjectQuota[].class);
        return Arrays.stream(all).filter(project -> project.name().equals(name)).findFirst();
    }

    private Optional<ProjectQuota> stored(String name) {
        List<ProjectQuota> all = transactions.inSession(store::all).await().atMost(TIMEOUT);
        return all.stream().filter(project -> project.name().equals(name)).findFirst();
    }
}
