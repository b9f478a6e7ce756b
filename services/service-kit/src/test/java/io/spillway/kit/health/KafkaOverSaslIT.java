package io.spillway.kit.health;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.spillway.kit.Outbox;
import io.spillway.kit.Transactions;
import io.spillway.schemas.JobEvent.JobCancelled;
import io.spillway.schemas.Topics;
import io.spillway.testing.OwnResourceProfile;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code kafka.*} settings reach every Kafka client of a service: given only a broker's SASL_PLAINTEXT listener
 * and the SASL settings, the outbox relay's producer, a consumer and its dead-letter queue's producer all get through
 * (the broker lets no client in without the password there), and the readiness check with them.
 */
@QuarkusTest
@TestProfile(KafkaOverSaslIT.SaslOnly.class)
class KafkaOverSaslIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** A broker of the test's own with a SASL listener; the application knows no other. */
    public static class SaslOnly extends OwnResourceProfile {

        public SaslOnly() {
            super(SaslKafkaResource.class);
        }
    }

    @Inject
    Outbox outbox;

    @Inject
    Transactions transactions;

    @Inject
    RejectingConsumer consumer;

    @Inject
    KafkaClientService clients;

    private KafkaCompanion plaintext;

    @BeforeEach
    void connectThroughPlaintext() {
        plaintext = new KafkaCompanion(SaslKafkaResource.plaintextBootstrapServers());
    }

    @AfterEach
    void close() {
        plaintext.close();
    }

    @Test
    void theChannelsClientsAreConfiguredWithTheKafkaSettings() {
        for (Map<String, ?> config : List.of(clients.getProducer("spillway-outbox").configuration(),
                clients.getConsumer("kit-probe").configuration())) {
            assertEquals("SASL_PLAINTEXT", String.valueOf(config.get("security.protocol")));
            assertEquals("PLAIN", String.valueOf(config.get("sasl.mechanism")));
            assertEquals(SaslKafkaResource.saslSettings(SaslKafkaResource.PASSWORD).get("kafka.bootstrap.servers"),
                    String.valueOf(config.get("bootstrap.servers")));
        }
    }

    @Test
    void theOutboxRelayPublishesOverSasl() {
        String jobId = "sasl-" + UUID.randomUUID();
        ConsumerTask<String, String> jobs = plaintext.consumeStrings().fromTopics(Topics.JOBS);
        try {
            transactions.inTransaction(session -> outbox.append(session, new JobCancelled(jobId, "over SASL", "kit"), null))
                    .await().atMost(TIMEOUT);

            await().atMost(TIMEOUT).until(() -> jobs.getRecords().stream().anyMatch(r -> jobId.equals(r.key())));
        } finally {
            jobs.close();
        }
    }

    @Test
    void aConsumerAndItsDeadLetterQueueWorkOverSasl() {
        String key = "rejected-" + UUID.randomUUID();
        ConsumerTask<String, String> deadLetters = plaintext.consumeStrings().fromTopics("spillway.dlq.kit-test");
        try {
            plaintext.produceStrings().fromRecords(new ProducerRecord<>(Topics.QUEUES, key, "{}"))
                    .awaitCompletion(TIMEOUT);

            await().atMost(TIMEOUT).until(() -> consumer.received().contains(key));
            await().atMost(TIMEOUT).until(() -> deadLetters.getRecords().stream()
                    .anyMatch(r -> key.equals(r.key())));
        } finally {
            deadLetters.close();
        }
    }

    @Test
    void readinessIsUpOverSasl() {
        await().atMost(TIMEOUT).untilAsserted(() -> given().get("/q/health/ready").then()
                .statusCode(200)
                .body("checks.findAll { it.name == 'kafka' }.status", hasItem("UP"))
                .body("checks.findAll { it.name == 'kafka' }.data.'kafka.security.protocol'",
                        hasItem("SASL_PLAINTEXT")));
    }

    @Test
    void aWrongPasswordIsDownNamingTheJaasConfigAndNeverShowingIt() {
        Map<String, Object> config = new HashMap<>();
        SaslKafkaResource.saslSettings("not-the-password")
                .forEach((name, value) -> config.put(name.substring("kafka.".length()), value));

        HealthCheckResponse response;
        try (KafkaProbe probe = new KafkaProbe(config, "kafka-over-sasl-it", Duration.ofSeconds(5))) {
            response = probe.check();
        }

        assertEquals(HealthCheckResponse.Status.DOWN, response.getStatus());
        Map<String, Object> data = response.getData().orElseThrow();
        assertEquals("kafka.sasl.jaas.config, kafka.sasl.mechanism", data.get("setting"));
        String error = String.valueOf(data.get("error"));
        assertTrue(error.contains("kafka.sasl.mechanism=PLAIN"), error);
        assertFalse(error.contains("not-the-password"), error);
    }
}
