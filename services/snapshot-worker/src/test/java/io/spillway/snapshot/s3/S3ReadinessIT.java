package io.spillway.snapshot.s3;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.spillway.testing.OwnResourceProfile;

import static io.spillway.testing.ServiceCalls.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/** A worker whose S3 secret key is wrong is not ready, and its readiness says which settings to fix. */
@QuarkusTest
@TestProfile(S3ReadinessIT.WrongSecret.class)
class S3ReadinessIT {

    /** The platform's s3proxy with a wrong secret key. */
    public static class WrongSecret extends OwnResourceProfile {

        public WrongSecret() {
            super(WrongS3SecretResource.class, Map.of("spillway.snapshot.warm-up.enabled", "false"));
        }
    }

    @Test
    void readinessIsDownNamingTheKeySettingsWithoutTheSecret() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/health/ready").then()
                .statusCode(503)
                .body("checks.findAll { it.name == 's3' }.status", hasItem("DOWN"))
                .body("checks.findAll { it.name == 's3' }.data.setting",
                        hasItem("spillway.s3.access-key, spillway.s3.secret-key"))
                .body("checks.findAll { it.name == 's3' }.data.error", hasItem(containsString("SignatureDoesNotMatch")))
                .body(not(containsString(WrongS3SecretResource.WRONG_SECRET))));
    }

    @Test
    void livenessDoesNotDependOnS3() {
        given().get("/q/health/live").then()
                .statusCode(200)
                .body("checks.name", not(hasItem("s3")));
    }
}
