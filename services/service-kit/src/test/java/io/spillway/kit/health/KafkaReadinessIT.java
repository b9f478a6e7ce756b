package io.spillway.kit.health;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.spillway.testing.OwnResourceProfile;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/** A service whose {@code kafka.bootstrap.servers} point where no broker listens is not ready, and says why. */
@QuarkusTest
@TestProfile(KafkaReadinessIT.NoBroker.class)
class KafkaReadinessIT {

    /** The platform's database, no broker. */
    public static class NoBroker extends OwnResourceProfile {

        public NoBroker() {
            super(ClosedKafkaPortResource.class);
        }
    }

    @Test
    void readinessIsDownNamingTheBootstrapServersAndTheirValue() {
        String named = "kafka.bootstrap.servers=" + ClosedKafkaPortResource.bootstrapServers;
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/health/ready").then()
                .statusCode(503)
                .body("checks.findAll { it.name == 'kafka' }.status", hasItem("DOWN"))
                .body("checks.findAll { it.name == 'kafka' }.data.setting", hasItem("kafka.bootstrap.servers"))
                .body("checks.findAll { it.name == 'kafka' }.data.error", hasItem(containsString(named))));
    }

    @Test
    void livenessDoesNotDependOnKafka() {
        given().get("/q/health/live").then()
                .statusCode(200)
                .body("checks.name", not(hasItem("kafka")));
    }
}
