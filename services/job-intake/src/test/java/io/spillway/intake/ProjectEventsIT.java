package io.spillway.intake;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.spillway.intake.domain.Project;
import io.spillway.intake.persistence.ProjectRepository;
import io.spillway.schemas.CloudEventDeserializer;
import io.spillway.schemas.CloudEventHeaders;
import io.spillway.schemas.EventType;
import io.spillway.schemas.ProjectEvent;
import io.spillway.schemas.ProjectEvent.ProjectDeleted;
import io.spillway.schemas.ProjectEvent.ProjectUpdated;
import io.spillway.schemas.Topics;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every change of a project reaches {@code spillway.projects}, with its values, so each site's scheduler follows. */
@QuarkusTest
@QuarkusTestResource(IntakeTestResource.class)
class ProjectEventsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Inject
    ProjectRepository projects;

    @Test
    void createUpdateAndDeleteEachPublishTheProjectsStateInOrderAndRefusedChangesPublishNothing() {
        String name = "feed-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> created = Map.of("name", name, "deservedGpus", 2, "overQuotaWeight", 3, "limitGpus", 4,
                "department", "research");

        admin().contentType(ContentType.JSON).body(created).post("/api/v1/projects").then().statusCode(201);
        admin().contentType(ContentType.JSON).body(created).post("/api/v1/projects").then().statusCode(409);
        admin().contentType(ContentType.JSON).body(Map.of("deservedGpus", 1.5, "overQuotaWeight", 0))
                .put("/api/v1/projects/" + name).then().statusCode(200);
        // What job-intake does for its bootstrap project on every start: an existing project is left alone.
        projects.ensure(new Project(name, 9, 9, null, null, null)).await().atMost(TIMEOUT);
        admin().delete("/api/v1/projects/" + name).then().statusCode(204);
        admin().delete("/api/v1/projects/" + name).then().statusCode(404);

        List<ConsumerRecord<String, byte[]>> records = awaitRecordsUntil(name, EventType.PROJECT_DELETED);

        assertEquals(List.of(new ProjectUpdated(name, 2, 3, 4.0, "research"),
                new ProjectUpdated(name, 1.5, 0, null, null),
                new ProjectDeleted(name)), records.stream().map(ProjectEventsIT::decode).toList(),
                "one event per change that committed, in order; the 409, the ensure and the 404 published nothing");
        for (ConsumerRecord<String, byte[]> record : records) {
            assertEquals(name, header(record, CloudEventHeaders.SUBJECT));
            assertEquals("/sites/onprem/job-intake", header(record, CloudEventHeaders.SOURCE));
        }
    }

    @Test
    void theBootstrapDefaultProjectIsPublishedWhenItIsCreated() {
        List<ConsumerRecord<String, byte[]>> records = awaitRecordsUntil("default", EventType.PROJECT_UPDATED);

        assertEquals(new ProjectUpdated("default", 0, 1, null, null), decode(records.get(records.size() - 1)));
    }

    /**
     * The records keyed {@code key} on the projects topic, from its beginning up to the first of type {@code last}.
     * One key is one partition, so every event published before that one is among them.
     */
    private static List<ConsumerRecord<String, byte[]>> awaitRecordsUntil(String key, EventType last) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.PROJECTS));
            await().atMost(TIMEOUT).until(() -> {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(record.key())) {
                        found.add(record);
                        if (last.ceType().equals(header(record, CloudEventHeaders.TYPE))) {
                            return true;
                        }
                    }
                }
                return false;
            });
        }
        return found;
    }

    private static ProjectEvent decode(ConsumerRecord<String, byte[]> record) {
        return (ProjectEvent) new CloudEventDeserializer().deserialize(record.topic(), record.headers(),
                record.value()).data();
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static RequestSpecification admin() {
        return RestAssured.given().auth().oauth2(IntakeTestResource.ADMIN_TOKEN);
    }
}
