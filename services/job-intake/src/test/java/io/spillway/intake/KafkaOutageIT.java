package io.spillway.intake;

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
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.spillway.schemas.CloudEventHeaders;
import io.spillway.schemas.Topics;
import io.spillway.testing.OwnResourceProfile;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Tuple;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** No job is lost: one accepted while Kafka is down waits in the outbox and is published, once, when Kafka is back. */
@QuarkusTest
@TestProfile(KafkaOutageIT.OwnBroker.class)
class KafkaOutageIT {

    /** This test stops its broker, so it gets one of its own. */
    public static class OwnBroker extends OwnResourceProfile {

        public OwnBroker() {
            super(PrivateKafkaResource.class);
        }
    }

    @Inject
    PgPool pool;

    @Test
    void aJobAcceptedWhileKafkaIsDownIsPublishedOnceWhenKafkaIsBack() {
        String key = UUID.randomUUID().toString();
        Map<String, Object> job = Map.of("name", "during-outage", "project", "default", "command", List.of("true"));
        String id;

        PrivateKafkaResource.stopBroker();
        try {
            id = admin().contentType(ContentType.JSON).header("Idempotency-Key", key).body(job)
                    .post("/api/v1/jobs").then().statusCode(201).extract().path("id");
            String again = admin().contentType(ContentType.JSON).header("Idempotency-Key", key).body(job)
                    .post("/api/v1/jobs").then().statusCode(200).extract().path("id");
            assertEquals(id, again, "a retried submit returns the first job");
            assertEquals(1, outboxRows(id), "the JobSubmitted event waits in the outbox, committed with the job");
        } finally {
            PrivateKafkaResource.startBroker();
        }

        List<ConsumerRecord<String, byte[]>> published = awaitRecords(id, Duration.ofSeconds(150));
        assertEquals(1, published.size(), "published once");
        assertEquals("io.spillway.JobSubmitted.v1",
                new String(published.get(0).headers().lastHeader(CloudEventHeaders.TYPE).value()));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertEquals(0, outboxRows(id)));
        // The read model consumes from the broker too: the job's own event reaches its history.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> admin().get("/api/v1/jobs/" + id)
                .then().statusCode(200).body("history.type", hasItem("io.spillway.JobSubmitted.v1")));
    }

    private long outboxRows(String jobId) {
        return pool.preparedQuery("SELECT count(*) FROM outbox WHERE msg_key = $1").execute(Tuple.of(jobId))
                .await().atMost(Duration.ofSeconds(10)).iterator().next().getLong(0);
    }

    /** Every record about the job that reaches the topic within {@code wait}, after which five quiet seconds pass. */
    private static List<ConsumerRecord<String, byte[]>> awaitRecords(String jobId, Duration wait) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, PrivateKafkaResource.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "outage-test-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.JOBS));
            long deadline = System.nanoTime() + wait.toNanos();
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, quietUntil)) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (jobId.equals(record.key())) {
                        found.add(record);
                        quietUntil = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                    }
                }
            }
        }
        return found;
    }

    private static RequestSpecification admin() {
        return RestAssured.given().auth().oauth2(IntakeTestResource.ADMIN_TOKEN);
    }
}
