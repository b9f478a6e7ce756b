package io.spillway.snapshot.s3;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.spillway.testing.PlatformTestResource;

import static io.spillway.testing.ServiceCalls.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;

/** The worker configured for the platform's s3proxy and broker is ready, S3 and Kafka checks included. */
@QuarkusTest
@WithTestResource(PlatformTestResource.class)
class S3HealthIT {

    @Test
    void readinessIsUpWithTheStoreAndTheBroker() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/q/health/ready").then()
                .statusCode(200)
                .body("checks.findAll { it.name == 's3' }.status", hasItem("UP"))
                .body("checks.findAll { it.name == 's3' }.data.'spillway.s3.bucket'", hasItem("spillway"))
                .body("checks.findAll { it.name == 'kafka' }.status", hasItem("UP")));
    }
}
