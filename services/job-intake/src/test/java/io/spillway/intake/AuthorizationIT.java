package io.spillway.intake;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.spillway.kit.security.TokenHash;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Who may do what: each project's token reaches its own project's jobs only; admins manage projects and tokens. */
@QuarkusTest
@QuarkusTestResource(IntakeTestResource.class)
class AuthorizationIT {

    private static boolean setUp;

    private static String alphaToken;
    private static String betaToken;
    private static String alphaTokenId;

    @Inject
    PgPool pool;

    // Per test, once: RestAssured knows the application's port only once a test runs.
    @BeforeEach
    void twoProjectsWithATokenEach() {
        if (setUp) {
            return;
        }
        setUp = true;
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String alpha = "alpha-" + suffix;
        String beta = "beta-" + suffix;
        for (String project : List.of(alpha, beta)) {
            as(IntakeTestResource.ADMIN_TOKEN).contentType(ContentType.JSON)
                    .body(Map.of("name", project, "deservedGpus", 3, "overQuotaWeight", 1, "limitGpus", 6))
                    .post("/api/v1/projects").then().statusCode(201).body("deservedGpus", equalTo(3.0f));
        }
        alphaToken = as(IntakeTestResource.ADMIN_TOKEN).contentType(ContentType.JSON)
                .body(Map.of("name", "alpha-ci", "project", alpha))
                .post("/api/v1/tokens").then().statusCode(201).body("admin", equalTo(false))
                .extract().path("token");
        alphaTokenId = as(IntakeTestResource.ADMIN_TOKEN).queryParam("project", alpha).get("/api/v1/tokens")
                .then().statusCode(200).extract().path("[0].id");
        betaToken = as(IntakeTestResource.ADMIN_TOKEN).contentType(ContentType.JSON)
                .body(Map.of("name", "beta-ci", "project", beta))
                .post("/api/v1/tokens").then().statusCode(201).extract().path("token");
    }

    @Test
    void aProjectCannotReadCancelOrFetchTheLogsOfAnotherProjectsJob() {
        String id = submit(alphaToken, Map.of("command", List.of("sleep", "600")));

        as(betaToken).get("/api/v1/jobs/" + id).then().statusCode(404);
        as(betaToken).delete("/api/v1/jobs/" + id).then().statusCode(404);
        as(betaToken).get("/api/v1/jobs/" + id + "/logs").then().statusCode(404);
        as(betaToken).get("/api/v1/jobs?limit=500").then().statusCode(200)
                .body("items.id", not(hasItem(id)));
        as(betaToken).queryParam("project", project(alphaToken)).get("/api/v1/jobs").then().statusCode(400)
                .body("violations[0].field", equalTo("project"));

        // The owner sees it, and is told why there is no output yet.
        as(alphaToken).get("/api/v1/jobs/" + id).then().statusCode(200).body("submittedBy", equalTo("alpha-ci"));
        as(alphaToken).get("/api/v1/jobs?limit=500").then().statusCode(200).body("items.id", hasItem(id));
        as(alphaToken).get("/api/v1/jobs/" + id + "/logs").then().statusCode(409)
                .body("error", containsString("has not started"));
        as(alphaToken).delete("/api/v1/jobs/" + id).then().statusCode(202);
    }

    @Test
    void aProjectTokenSubmitsToItsOwnProjectOnly() {
        String alpha = project(alphaToken);
        as(alphaToken).contentType(ContentType.JSON)
                .body(Map.of("project", project(betaToken), "command", List.of("true")))
                .post("/api/v1/jobs").then().statusCode(403).body("error", containsString(alpha));
        String id = submit(alphaToken, Map.of("command", List.of("true")));
        as(alphaToken).get("/api/v1/jobs/" + id).then().body("project", equalTo(alpha))
                .body("name", containsString("job-"));
    }

    @Test
    void requestsWithoutAValidTokenAreRefused() {
        RestAssured.given().get("/api/v1/jobs").then().statusCode(401)
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("error", containsString("missing bearer token"));
        as("spw_not-a-token").get("/api/v1/jobs").then().statusCode(401)
                .body("error", containsString("unknown or revoked"));
        // Probes and the API description stay open.
        RestAssured.given().get("/q/health/live").then().statusCode(200);
        RestAssured.given().get("/q/openapi").then().statusCode(200).body(containsString("bearer"));
    }

    @Test
    void onlyAdminsManageProjectsAndTokens() {
        as(alphaToken).contentType(ContentType.JSON).body(Map.of("name", "sneaky"))
                .post("/api/v1/projects").then().statusCode(403).body("error", containsString("admin token"));
        as(alphaToken).get("/api/v1/tokens").then().statusCode(403);
        as(alphaToken).get("/api/v1/projects").then().statusCode(200)
                .body("name", equalTo(List.of(project(alphaToken))));
        as(IntakeTestResource.ADMIN_TOKEN).contentType(ContentType.JSON)
                .body(Map.of("name", "Not_DNS", "deservedGpus", 4, "overQuotaWeight", -1, "limitGpus", 2))
                .post("/api/v1/projects").then().statusCode(400)
                .body("violations.field", equalTo(List.of("name", "overQuotaWeight", "limitGpus")));
        String pooled = "pooled-" + UUID.randomUUID().toString().substring(0, 6);
        as(IntakeTestResource.ADMIN_TOKEN).contentType(ContentType.JSON)
                .body(Map.of("name", pooled, "deservedGpus", 2, "pools",
                        Map.of("a100", Map.of("deservedGpus", 1, "limitGpus", 2))))
                .post("/api/v1/projects").then().statusCode(201)
                .body("pools.a100.deservedGpus", equalTo(1.0f)).body("pools.a100.limitGpus", equalTo(2.0f));
        as(IntakeTestResource.ADMIN_TOKEN).contentType(ContentType.JSON)
                .body(Map.of("name", pooled + "-bad", "pools", Map.of("A100", Map.of("deservedGpus", 1),
                        "t4", Map.of("deservedGpus", 2, "limitGpus", 1))))
                .post("/api/v1/projects").then().statusCode(400)
                .body("violations.field", hasItem("pools.A100"))
                .body("violations.field", hasItem("pools.t4.limitGpus"));
        as(IntakeTestResource.ADMIN_TOKEN).contentType(ContentType.JSON)
                .body(Map.of("command", List.of("true"), "project", "no-such-project"))
                .post("/api/v1/jobs").then().statusCode(400)
                .body("violations[0].field", equalTo("project"))
                .body("violations[0].message", containsString("unknown project"));
    }

    @Test
    void theBootstrapTokenActsForTheDefaultProject() {
        as(IntakeTestResource.DEFAULT_PROJECT_TOKEN).get("/api/v1/whoami").then().statusCode(200)
                .body("kind", equalTo("project")).body("project", equalTo("default"));
        as(IntakeTestResource.ADMIN_TOKEN).get("/api/v1/whoami").then().body("kind", equalTo("admin"));
        submit(IntakeTestResource.DEFAULT_PROJECT_TOKEN, Map.of("command", List.of("true"), "gpu", 0.5));
    }

    @Test
    void tokensAreStoredOnlyAsTheirHashAndStopWorkingWhenRevoked() {
        String secret = as(IntakeTestResource.ADMIN_TOKEN).contentType(ContentType.JSON)
                .body(Map.of("name", "short-lived", "project", project(alphaToken)))
                .post("/api/v1/tokens").then().statusCode(201).extract().path("token");
        String tokenId = as(IntakeTestResource.ADMIN_TOKEN).get("/api/v1/tokens")
                .then().extract().jsonPath().getString("find { it.name == 'short-lived' }.id");

        Row row = pool.preparedQuery("SELECT * FROM api_tokens WHERE id = $1").execute(Tuple.of(tokenId))
                .await().atMost(Duration.ofSeconds(10)).iterator().next();
        assertEquals(TokenHash.sha256Hex(secret), row.getString("token_sha256"));
        for (int i = 0; i < row.size(); i++) {
            Object value = row.getValue(i);
            assertFalse(value != null && value.toString().contains(secret.substring(4)),
                    "column " + row.getColumnName(i) + " holds the secret");
        }
        as(IntakeTestResource.ADMIN_TOKEN).get("/api/v1/tokens").then()
                .body(not(containsString(secret)));

        as(secret).get("/api/v1/whoami").then().statusCode(200);
        as(IntakeTestResource.ADMIN_TOKEN).delete("/api/v1/tokens/" + tokenId).then().statusCode(204);
        as(secret).get("/api/v1/whoami").then().statusCode(401);
        as(alphaToken).get("/api/v1/whoami").then().statusCode(200).body("tokenName", equalTo("alpha-ci"));
        assertFalse(alphaTokenId.equals(tokenId));
    }

    @Test
    void theAuditLogSaysWhoSubmittedCancelledCreatedAndRevokedWhatAndFromWhere() {
        String id = submit(alphaToken, Map.of("command", List.of("sleep", "600")));
        as(alphaToken).delete("/api/v1/jobs/" + id).then().statusCode(202);
        String tokenName = "audited-" + UUID.randomUUID().toString().substring(0, 6);
        as(IntakeTestResource.ADMIN_TOKEN).contentType(ContentType.JSON)
                .body(Map.of("name", tokenName, "project", project(alphaToken)))
                .post("/api/v1/tokens").then().statusCode(201);
        String tokenId = as(IntakeTestResource.ADMIN_TOKEN).get("/api/v1/tokens")
                .then().extract().jsonPath().getString("find { it.name == '" + tokenName + "' }.id");
        as(IntakeTestResource.ADMIN_TOKEN).delete("/api/v1/tokens/" + tokenId).then().statusCode(204);
        // Refused calls change nothing and are not changes to audit.
        as(betaToken).delete("/api/v1/jobs/" + id).then().statusCode(404);

        var log = as(IntakeTestResource.ADMIN_TOKEN).queryParam("since", "10m").queryParam("limit", 1000)
                .get("/api/v1/audit").then().statusCode(200).extract().jsonPath();
        assertEquals("alpha-ci", log.getString("find { it.action == 'job.submit' && it.target == '" + id
                + "' }.tokenName"), "who submitted the job");
        assertEquals(project(alphaToken), log.getString("find { it.action == 'job.submit' && it.target == '" + id
                + "' }.project"));
        assertEquals("127.0.0.1", log.getString("find { it.action == 'job.submit' && it.target == '" + id
                + "' }.sourceAddress"), "where the call came from");
        assertEquals("alpha-ci", log.getString("find { it.action == 'job.cancel' && it.target == '" + id
                + "' }.tokenName"), "who cancelled it");
        assertEquals(List.of(), log.getList("findAll { it.target == '" + id + "' && it.tokenName == 'beta-ci' }"),
                "the refused cancel is not a change");
        assertEquals(tokenId, log.getString("find { it.action == 'token.create' && it.target == '" + tokenId
                + "' }.target"), "the created token, by its id");
        assertEquals("token.revoke", log.getString("find { it.target == '" + tokenId
                + "' && it.method == 'DELETE' }.action"));

        as(IntakeTestResource.ADMIN_TOKEN).queryParam("action", "token.revoke").get("/api/v1/audit").then()
                .statusCode(200).body("action", not(hasItem("job.submit")));
        as(alphaToken).get("/api/v1/audit").then().statusCode(403).body("error", containsString("admin token"));
        as(IntakeTestResource.ADMIN_TOKEN).queryParam("since", "yesterday").get("/api/v1/audit").then()
                .statusCode(400).body("violations[0].field", equalTo("since"));
    }

    private static String submit(String token, Map<String, Object> job) {
        return as(token).contentType(ContentType.JSON).body(job)
                .post("/api/v1/jobs").then().statusCode(201).body("state", equalTo("SUBMITTED"))
                .extract().path("id");
    }

    private static String project(String token) {
        return as(token).get("/api/v1/whoami").then().extract().path("project");
    }

    private static RequestSpecification as(String token) {
        return RestAssured.given().auth().oauth2(token);
    }
}
