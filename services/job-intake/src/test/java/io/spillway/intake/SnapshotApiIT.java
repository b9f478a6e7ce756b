package io.spillway.intake;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.spillway.schemas.CloudEvent;
import io.spillway.schemas.CloudEventDeserializer;
import io.spillway.schemas.CloudEventHeaders;
import io.spillway.schemas.StorageEvent;
import io.spillway.schemas.Topics;

import static io.spillway.intake.TestTopics.awaitRecord;
import static io.spillway.intake.TestTopics.header;
import static io.spillway.intake.TestTopics.publish;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Snapshots and restores through the API against the real broker and database: requests go out on
 * {@code spillway.snapshots}; snapshot-worker's answers, fed onto the topic as it would send them, show in the API.
 */
@QuarkusTest
@QuarkusTestResource(IntakeTestResource.class)
class SnapshotApiIT {

    private static final String WORKER = "/sites/onprem/snapshot-worker";
    private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    @Test
    void aSnapshotIsRequestedOnTheTopicAndFollowsTheWorkersAnswersToUploaded() {
        String filesystem = uniqueFilesystem();
        String id = admin().contentType(ContentType.JSON)
                .body(Map.of("site", "onprem", "filesystem", filesystem, "path", "imagenet/train/"))
                .post("/api/v1/snapshots")
                .then().statusCode(202).body("state", equalTo("REQUESTED")).body("path", equalTo("imagenet/train"))
                .body("requestedBy", equalTo("bootstrap-admin"))
                .extract().path("id");

        ConsumerRecord<String, byte[]> record = awaitRecord(Topics.SNAPSHOTS, filesystem,
                "io.spillway.SnapshotRequested.v1");
        assertEquals("/sites/onprem/job-intake", header(record, CloudEventHeaders.SOURCE));
        assertNotNull(header(record, CloudEventHeaders.TRACEPARENT));
        assertEquals(new StorageEvent.SnapshotRequested(id, "onprem", filesystem, "imagenet/train", null),
                decode(record));

        publish(worker(new StorageEvent.SnapshotCreated(id, "onprem", filesystem, 3, 3_000, null)));
        publish(worker(new StorageEvent.SnapshotProgress(id, "onprem", filesystem, 1, 3, 1_000, 3_000, null)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> admin().get("/api/v1/snapshots/" + id)
                .then().statusCode(200).body("state", equalTo("RUNNING")).body("files", equalTo(3))
                .body("progress.bytesDone", equalTo(1_000)).body("progress.bytesTotal", equalTo(3_000)));

        CloudEvent uploaded = worker(new StorageEvent.SnapshotUploaded(id, "onprem", filesystem,
                "snapshots/" + filesystem + "/" + id + ".json", 3_000, 2_000, 2, 1, 1_234, null));
        publish(uploaded);
        publish(uploaded);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> admin().get("/api/v1/snapshots/" + id)
                .then().body("state", equalTo("UPLOADED"))
                .body("locator", equalTo("snapshots/" + filesystem + "/" + id + ".json"))
                .body("bytes", equalTo(3_000)).body("bytesScanned", equalTo(3_000))
                .body("bytesUploaded", equalTo(2_000)).body("chunksNew", equalTo(2)).body("chunksReused", equalTo(1))
                .body("durationMs", equalTo(1_234)).body("progress.bytesDone", equalTo(3_000)));

        admin().queryParam("filesystem", filesystem).get("/api/v1/snapshots")
                .then().statusCode(200).body("total", equalTo(1)).body("items[0].id", equalTo(id))
                .body("limit", equalTo(50)).body("offset", equalTo(0));
        admin().queryParam("filesystem", filesystem).queryParam("state", "failed").get("/api/v1/snapshots")
                .then().statusCode(200).body("total", equalTo(0));
    }

    @Test
    void aFailedSnapshotShowsTheWorkersReasonAndCannotBeRestoredOrDeleted() {
        String filesystem = uniqueFilesystem();
        String id = requestSnapshot(filesystem);

        publish(worker(new StorageEvent.SnapshotFailed(id, "onprem", filesystem,
                "FILE_CHANGED: File 'a.bin' changed while it was read", null)));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> admin().get("/api/v1/snapshots/" + id)
                .then().body("state", equalTo("FAILED")).body("reason", containsString("FILE_CHANGED")));
        admin().delete("/api/v1/snapshots/" + id).then().statusCode(409).body("error", containsString("UPLOADED"));
        admin().contentType(ContentType.JSON).body(Map.of("snapshotId", id, "site", "cloud"))
                .post("/api/v1/restores").then().statusCode(409);
    }

    @Test
    void redeliveredProgressDoesNotTurnTheFiguresBack() {
        String filesystem = uniqueFilesystem();
        String id = requestSnapshot(filesystem);
        CloudEvent early = worker(new StorageEvent.SnapshotProgress(id, "onprem", filesystem, 1, 4, 100, 400, null));
        publish(early);
        publish(worker(new StorageEvent.SnapshotProgress(id, "onprem", filesystem, 3, 4, 300, 400, null)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> admin().get("/api/v1/snapshots/" + id)
                .then().body("progress.bytesDone", equalTo(300)));

        publish(early);

        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> admin()
                .get("/api/v1/snapshots/" + id).then().body("progress.bytesDone", equalTo(300))
                .body("progress.filesDone", equalTo(3)));
    }

    @Test
    void deletingAnUploadedSnapshotAsksTheWorkerAndTheSnapshotEndsDeleted() {
        String filesystem = uniqueFilesystem();
        String id = uploadedSnapshot(filesystem);

        admin().delete("/api/v1/snapshots/" + id).then().statusCode(202);

        ConsumerRecord<String, byte[]> record = awaitRecord(Topics.SNAPSHOTS, filesystem,
                "io.spillway.SnapshotDeleteRequested.v1");
        assertEquals(new StorageEvent.SnapshotDeleteRequested(id, filesystem, "asked by bootstrap-admin"),
                decode(record));
        publish(worker(new StorageEvent.SnapshotDeleted(id, "onprem", filesystem, locator(filesystem, id),
                "asked by bootstrap-admin")));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> admin().get("/api/v1/snapshots/" + id)
                .then().body("state", equalTo("DELETED")).body("reason", equalTo("asked by bootstrap-admin")));
        admin().delete("/api/v1/snapshots/" + id).then().statusCode(409);
        admin().delete("/api/v1/snapshots/no-such-snapshot").then().statusCode(404);
    }

    @Test
    void aRestoreOfASnapshotIsRequestedAndFollowsProgressToRestored() {
        String filesystem = uniqueFilesystem();
        String snapshotId = uploadedSnapshot(filesystem);

        String restoreId = admin().contentType(ContentType.JSON)
                .body(Map.of("snapshotId", snapshotId, "site", "cloud", "priorityPaths", List.of("hot")))
                .post("/api/v1/restores")
                .then().statusCode(202).body("state", equalTo("REQUESTED")).body("filesystem", equalTo(filesystem))
                .body("locator", equalTo(locator(filesystem, snapshotId))).body("snapshotId", equalTo(snapshotId))
                .extract().path("id");

        ConsumerRecord<String, byte[]> record = awaitRecord(Topics.SNAPSHOTS, filesystem,
                "io.spillway.RestoreRequested.v1");
        assertEquals(new StorageEvent.RestoreRequested(restoreId, locator(filesystem, snapshotId), "cloud",
                filesystem, List.of("hot"), null), decode(record));

        publish(worker(new StorageEvent.RestoreProgress(restoreId, "cloud", filesystem, 1, 3, 500, 3_000, null)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> admin().get("/api/v1/restores/" + restoreId)
                .then().statusCode(200).body("state", equalTo("RUNNING")).body("progress.bytesDone", equalTo(500)));
        CloudEvent restored = worker(new StorageEvent.SnapshotRestored(restoreId, locator(filesystem, snapshotId),
                "cloud", filesystem, 3, 3_000, 2_500, null));
        publish(restored);
        publish(restored);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> admin().get("/api/v1/restores/" + restoreId)
                .then().body("state", equalTo("RESTORED")).body("files", equalTo(3)).body("bytes", equalTo(3_000))
                .body("durationMs", equalTo(2_500)).body("reason", nullValue()));

        admin().queryParam("snapshotId", snapshotId).get("/api/v1/restores")
                .then().statusCode(200).body("total", equalTo(1)).body("items[0].id", equalTo(restoreId));
    }

    @Test
    void aFailedRestoreShowsTheReasonAndLaterAnswersDoNotReviveIt() {
        String filesystem = uniqueFilesystem();
        String snapshotId = uploadedSnapshot(filesystem);
        String restoreId = admin().contentType(ContentType.JSON)
                .body(Map.of("snapshotId", snapshotId, "site", "cloud")).post("/api/v1/restores")
                .then().statusCode(202).extract().path("id");

        publish(worker(new StorageEvent.RestoreFailed(restoreId, locator(filesystem, snapshotId), "cloud", filesystem,
                "chunk 9f2c of a.bin is damaged", null)));
        publish(worker(new StorageEvent.RestoreProgress(restoreId, "cloud", filesystem, 2, 3, 900, 3_000, null)));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> admin().get("/api/v1/restores/" + restoreId)
                .then().body("state", equalTo("FAILED")).body("reason", equalTo("chunk 9f2c of a.bin is damaged")));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> admin()
                .get("/api/v1/restores/" + restoreId).then().body("state", equalTo("FAILED")));
    }

    @Test
    void snapshotsAndRestoresAskedForByOtherServicesAppearToo() {
        String filesystem = uniqueFilesystem();
        String snapshotId = "burst-" + UUID.randomUUID();
        String burstId = UUID.randomUUID().toString();
        String coordinator = "/sites/onprem/burst-coordinator";
        publish(CloudEvent.of(coordinator, new StorageEvent.SnapshotRequested(snapshotId, "onprem", filesystem, null,
                burstId), TRACEPARENT));
        publish(worker(new StorageEvent.SnapshotUploaded(snapshotId, "onprem", filesystem,
                locator(filesystem, snapshotId), 10, 10, 1, 0, 5, burstId)));
        String restoreId = "burst-" + UUID.randomUUID();
        publish(CloudEvent.of(coordinator, new StorageEvent.RestoreRequested(restoreId,
                locator(filesystem, snapshotId), "cloud", filesystem, List.of(), burstId), TRACEPARENT));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> admin().get("/api/v1/restores/" + restoreId)
                .then().statusCode(200).body("snapshotId", equalTo(snapshotId)).body("burstId", equalTo(burstId))
                .body("state", equalTo("REQUESTED")));
        admin().queryParam("filesystem", filesystem).queryParam("state", "uploaded").get("/api/v1/snapshots")
                .then().body("total", equalTo(1)).body("items[0].burstId", equalTo(burstId))
                .body("items[0].requestedBy", nullValue());
    }

    @Test
    void badRequestsAreAnsweredWith400NamingEachField() {
        admin().contentType(ContentType.JSON).body(Map.of("site", "mars", "filesystem", "Data_Sets", "path", "../x"))
                .post("/api/v1/snapshots")
                .then().statusCode(400).body("violations.field", hasItems("site", "filesystem", "path"))
                .body("violations.find { it.field == 'site' }.message", containsString("onprem"));
        admin().contentType(ContentType.JSON).body("{\"site\": ").post("/api/v1/snapshots")
                .then().statusCode(400).body("violations[0].field", equalTo("body"));
        admin().contentType(ContentType.JSON).body(Map.of("site", "cloud")).post("/api/v1/restores")
                .then().statusCode(400).body("violations.field", hasItems("snapshotId"));
        admin().contentType(ContentType.JSON).body(Map.of("locator", "snapshots/x/y.json", "site", "cloud"))
                .post("/api/v1/restores")
                .then().statusCode(400).body("violations.field", hasItems("filesystem"));
        admin().contentType(ContentType.JSON).body(Map.of("snapshotId", "no-such-snapshot", "site", "cloud"))
                .post("/api/v1/restores").then().statusCode(404);
        admin().queryParam("state", "lost").get("/api/v1/snapshots")
                .then().statusCode(400).body("violations[0].field", equalTo("state"));
        admin().queryParam("limit", 0).get("/api/v1/restores")
                .then().statusCode(400).body("violations[0].field", equalTo("limit"));
        admin().get("/api/v1/snapshots/no-such-snapshot").then().statusCode(404);
        admin().get("/api/v1/restores/no-such-restore").then().statusCode(404);
    }

    @Test
    void aProjectTokenMayLookButNotSnapshotRestoreOrDelete() {
        String filesystem = uniqueFilesystem();
        String id = uploadedSnapshot(filesystem);

        project().contentType(ContentType.JSON).body(Map.of("site", "onprem", "filesystem", filesystem))
                .post("/api/v1/snapshots").then().statusCode(403);
        project().contentType(ContentType.JSON).body(Map.of("snapshotId", id, "site", "cloud"))
                .post("/api/v1/restores").then().statusCode(403);
        project().delete("/api/v1/snapshots/" + id).then().statusCode(403);
        RestAssured.given().get("/api/v1/snapshots").then().statusCode(401);

        project().get("/api/v1/snapshots/" + id).then().statusCode(200).body("state", equalTo("UPLOADED"));
        project().queryParam("filesystem", filesystem).get("/api/v1/snapshots").then().statusCode(200)
                .body("total", equalTo(1));
        project().get("/api/v1/restores").then().statusCode(200);
        admin().queryParam("filesystem", filesystem).get("/api/v1/restores").then().body("total", equalTo(0));
    }

    private static String requestSnapshot(String filesystem) {
        return admin().contentType(ContentType.JSON).body(Map.of("site", "onprem", "filesystem", filesystem))
                .post("/api/v1/snapshots").then().statusCode(202).extract().path("id");
    }

    /** A snapshot that snapshot-worker has answered as uploaded. */
    private static String uploadedSnapshot(String filesystem) {
        String id = requestSnapshot(filesystem);
        publish(worker(new StorageEvent.SnapshotUploaded(id, "onprem", filesystem, locator(filesystem, id), 3_000,
                3_000, 3, 0, 100, null)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> admin().get("/api/v1/snapshots/" + id)
                .then().body("state", equalTo("UPLOADED")));
        return id;
    }

    private static String locator(String filesystem, String snapshotId) {
        return "snapshots/" + filesystem + "/" + snapshotId + ".json";
    }

    private static CloudEvent worker(StorageEvent event) {
        return CloudEvent.of(WORKER, event, TRACEPARENT);
    }

    private static StorageEvent decode(ConsumerRecord<String, byte[]> record) {
        return (StorageEvent) new CloudEventDeserializer().deserialize(Topics.SNAPSHOTS, record.headers(),
                record.value()).data();
    }

    private static String uniqueFilesystem() {
        return "fs-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static RequestSpecification admin() {
        return RestAssured.given().auth().oauth2(IntakeTestResource.ADMIN_TOKEN);
    }

    private static RequestSpecification project() {
        return RestAssured.given().auth().oauth2(IntakeTestResource.DEFAULT_PROJECT_TOKEN);
    }
}
