package io.spillway.intake;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.spillway.schemas.CloudEvent;
import io.spillway.schemas.CloudEventDeserializer;
import io.spillway.schemas.CloudEventHeaders;
import io.spillway.schemas.EventCodec;
import io.spillway.schemas.JobEvent;
import io.spillway.schemas.JobSpec;
import io.spillway.schemas.Placement;
import io.spillway.schemas.Topics;

import static io.spillway.intake.TestTopics.awaitRecord;
import static io.spillway.intake.TestTopics.countRecords;
import static io.spillway.intake.TestTopics.header;
import static io.spillway.intake.TestTopics.producerConfig;
import static io.spillway.intake.TestTopics.publish;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(IntakeTestResource.class)
class JobIntakeIT {

    private static boolean setUp;

    // Per test, once: RestAssured knows the application's port only once a test runs.
    @BeforeEach
    void projectsExist() {
        if (setUp) {
            return;
        }
        setUp = true;
        // Every test job belongs to "vision"; created once, and a rerun against the same database finds it.
        admin().contentType(ContentType.JSON).body(Map.of("name", "vision", "deservedGpus", 2))
                .post("/api/v1/projects").then().statusCode(anyOf(is(201), is(409)));
    }

    /** A request with the admin token, which may act on every project. */
    static RequestSpecification admin() {
        return RestAssured.given().auth().oauth2(IntakeTestResource.ADMIN_TOKEN);
    }

    private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    @Test
    void acceptedJobIsPublishedAndFollowsLifecycleEventsToSucceededOnce() {
        String id = admin().contentType(ContentType.JSON)
                .body(Map.of("name", "hello", "project", "vision", "command", List.of("echo", "hi"), "gpu", 0.5))
                .post("/api/v1/jobs")
                .then().statusCode(201).body("state", equalTo("SUBMITTED")).body("site", equalTo("onprem"))
                .extract().path("id");

        ConsumerRecord<String, byte[]> submitted = awaitRecord(Topics.JOBS, id, "io.spillway.JobSubmitted.v1");
        assertEquals("/sites/onprem/job-intake", header(submitted, CloudEventHeaders.SOURCE));
        assertEquals(id, header(submitted, CloudEventHeaders.SUBJECT));
        assertNotNull(header(submitted, CloudEventHeaders.ID));
        assertNotNull(header(submitted, CloudEventHeaders.TRACEPARENT), "the job's trace starts at the POST");
        JobEvent.JobSubmitted event = (JobEvent.JobSubmitted) new CloudEventDeserializer()
                .deserialize(Topics.JOBS, submitted.headers(), submitted.value()).data();
        assertEquals(0.5, event.spec().gpu());

        CloudEvent completed = CloudEvent.of("/sites/onprem/gpu-scheduler",
                new JobEvent.JobCompleted(id, "onprem", 0, 10), TRACEPARENT);
        publish(CloudEvent.of("/sites/onprem/gpu-scheduler", new JobEvent.GpuAllocated(id, "onprem",
                List.of(new Placement(0, "local-0", List.of("1"), 0.5))), TRACEPARENT));
        publish(CloudEvent.of("/sites/onprem/gpu-scheduler", new JobEvent.JobStarted(id, "onprem", "local",
                "local-0"), TRACEPARENT));
        publish(completed);
        publish(completed);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> admin().get("/api/v1/jobs/" + id)
                .then().statusCode(200).body("state", equalTo("SUCCEEDED")).body("exitCode", equalTo(0))
                .body("node", equalTo("local-0")).body("gpus", equalTo("local-0:1@0.5")));
        List<String> history = admin().get("/api/v1/jobs/" + id).then().extract().path("history.type");
        assertEquals(List.of("io.spillway.JobSubmitted.v1", "io.spillway.GpuAllocated.v1",
                "io.spillway.JobStarted.v1", "io.spillway.JobCompleted.v1"), history,
                "the redelivered JobCompleted changed nothing");
    }

    @Test
    void badRequestsAreAnsweredWith400NamingEachField() {
        admin().contentType(ContentType.JSON)
                .body(Map.of("name", "Bad_Name", "project", "vision", "command", List.of("x"), "gpu", 0.33,
                        "volumes", List.of("datasets:relative")))
                .post("/api/v1/jobs")
                .then().statusCode(400)
                .body("violations.field", hasItems("name", "gpu", "volumes[0]"));
        admin().contentType(ContentType.JSON).body("{\"name\": \"x\", \"gpu\": \"lots\"}")
                .post("/api/v1/jobs")
                .then().statusCode(400).body("violations[0].field", equalTo("gpu"));
        admin().contentType(ContentType.JSON).body("{\"name\": ")
                .post("/api/v1/jobs")
                .then().statusCode(400).body("violations[0].field", equalTo("body"));
        admin().get("/api/v1/jobs/no-such-job").then().statusCode(404);
    }

    @Test
    void aJobAtASiteThatDoesNotExistIsRefusedInsteadOfWaitingForever() {
        String name = "nowhere-" + UUID.randomUUID().toString().substring(0, 8);
        admin().contentType(ContentType.JSON)
                .body(Map.of("name", name, "project", "vision", "command", List.of("true"), "site", "true"))
                .post("/api/v1/jobs")
                .then().statusCode(400)
                .body("violations[0].field", equalTo("site"))
                .body("violations[0].message", equalTo("no site 'true' in this cluster; its sites are cloud, onprem"));
        admin().get("/api/v1/jobs?project=vision&limit=500").then().statusCode(200)
                .body("items.name", not(hasItem(name)));

        String jobId = "ext-" + UUID.randomUUID();
        admin().contentType("application/cloudevents+json").body("""
                {"specversion": "1.0", "id": "%s", "source": "/ci/pipeline-7", "type": "io.spillway.JobSubmitted.v1",
                 "data": {"jobId": "%s", "site": "mars",
                          "spec": {"name": "nightly", "project": "vision", "command": ["true"], "gpu": 1,
                                   "workers": 1, "priority": "train"}}}
                """.formatted(UUID.randomUUID(), jobId))
                .post("/api/v1/events")
                .then().statusCode(400).body("violations[0].field", equalTo("data.site"));
        admin().get("/api/v1/jobs/" + jobId).then().statusCode(404);
    }

    @Test
    void aRepeatedSubmitWithTheSameIdempotencyKeyReturnsTheFirstJob() {
        String key = UUID.randomUUID().toString();
        Map<String, Object> body = Map.of("name", "once", "project", "vision", "command", List.of("true"));
        String first = admin().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body)
                .post("/api/v1/jobs").then().statusCode(201).extract().path("id");
        String second = admin().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body)
                .post("/api/v1/jobs").then().statusCode(200).extract().path("id");

        assertEquals(first, second);
        assertEquals(1, (int) admin().queryParam("project", "vision").queryParam("limit", 500).get("/api/v1/jobs")
                .then().extract().jsonPath().getList("items.findAll { it.id == '" + first + "' }").size());
    }

    @Test
    void cancellingPublishesJobCancelledAndTheJobEndsCancelled() {
        String id = admin().contentType(ContentType.JSON)
                .body(Map.of("name", "doomed", "project", "vision", "command", List.of("sleep", "600")))
                .post("/api/v1/jobs").then().statusCode(201).extract().path("id");

        admin().delete("/api/v1/jobs/" + id).then().statusCode(202);

        awaitRecord(Topics.JOBS, id, "io.spillway.JobCancelled.v1");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> admin().get("/api/v1/jobs/" + id)
                .then().body("state", equalTo("CANCELLED")));
        admin().delete("/api/v1/jobs/" + id).then().statusCode(409);
    }

    @Test
    void aJobMovesToTheBurstSiteOnlyWhenItsHomeSiteHandsItOver() {
        String id = submitWaitingJob("moved");
        publish(CloudEvent.of("/burst-coordinator", new JobEvent.JobRerouted(id, "onprem", "cloud", "burst-1"),
                TRACEPARENT));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> admin().get("/api/v1/jobs/" + id)
                .then().body("state", equalTo("REROUTED")).body("site", equalTo("onprem")));

        publish(CloudEvent.of("/sites/onprem/gpu-scheduler",
                new JobEvent.JobHandedOver(id, "onprem", "cloud", "burst-1"), TRACEPARENT));
        publish(CloudEvent.of("/sites/cloud/gpu-scheduler",
                new JobEvent.JobPending(id, "cloud", "rerouted from onprem, queued at site cloud"), TRACEPARENT));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> admin().get("/api/v1/jobs/" + id)
                .then().body("state", equalTo("PENDING")).body("site", equalTo("cloud")));
    }

    @Test
    void aDeclinedRerouteLeavesTheJobAtHomeAndItsHistorySaysWhy() {
        String id = submitWaitingJob("kept");
        publish(CloudEvent.of("/burst-coordinator", new JobEvent.JobRerouted(id, "onprem", "cloud", "burst-1"),
                TRACEPARENT));
        publish(CloudEvent.of("/sites/onprem/gpu-scheduler", new JobEvent.GpuAllocated(id, "onprem",
                List.of(new Placement(0, "local-0", List.of("0"), 1.0))), TRACEPARENT));
        publish(CloudEvent.of("/sites/onprem/gpu-scheduler", new JobEvent.JobStarted(id, "onprem", "local",
                "local-0"), TRACEPARENT));
        publish(CloudEvent.of("/sites/onprem/gpu-scheduler", new JobEvent.JobRerouteDeclined(id, "onprem", "cloud",
                "burst-1", "already running at onprem"), TRACEPARENT));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> admin().get("/api/v1/jobs/" + id)
                .then().body("history.type", hasItems("io.spillway.JobRerouteDeclined.v1")));
        admin().get("/api/v1/jobs/" + id).then().body("state", equalTo("RUNNING")).body("site", equalTo("onprem"))
                .body("node", equalTo("local-0"));
        List<Map<String, Object>> history = admin().get("/api/v1/jobs/" + id).then().extract().path("history");
        Map<String, Object> declined = history.get(history.size() - 1);
        assertEquals("io.spillway.JobRerouteDeclined.v1", declined.get("type"));
        assertEquals(Map.of("jobId", id, "fromSite", "onprem", "toSite", "cloud", "burstId", "burst-1", "reason",
                "already running at onprem"), declined.get("data"));
    }

    @Test
    void aRerouteDeclinedBeforeTheJobStartedPutsItBackInTheQueueAtHome() {
        String id = submitWaitingJob("back");
        publish(CloudEvent.of("/burst-coordinator", new JobEvent.JobRerouted(id, "onprem", "cloud", "burst-1"),
                TRACEPARENT));
        publish(CloudEvent.of("/sites/onprem/gpu-scheduler", new JobEvent.JobRerouteDeclined(id, "onprem", "cloud",
                "burst-1", "already handed over to cloud-b"), TRACEPARENT));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> admin().get("/api/v1/jobs/" + id)
                .then().body("state", equalTo("PENDING")).body("site", equalTo("onprem"))
                .body("pendingReason", equalTo("reroute to cloud declined: already handed over to cloud-b")));
    }

    /** A job submitted through the API that waits in onprem's queue. */
    private static String submitWaitingJob(String name) {
        String id = admin().contentType(ContentType.JSON)
                .body(Map.of("name", name, "project", "vision", "command", List.of("sleep", "1")))
                .post("/api/v1/jobs").then().statusCode(201).extract().path("id");
        awaitRecord(Topics.JOBS, id, "io.spillway.JobSubmitted.v1");
        publish(CloudEvent.of("/sites/onprem/gpu-scheduler", new JobEvent.JobPending(id, "onprem",
                "waiting for 1 GPU"), TRACEPARENT));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> admin().get("/api/v1/jobs/" + id)
                .then().body("state", equalTo("PENDING")));
        return id;
    }

    @Test
    void aBrokenEventIsDeadLetteredWithItsCause() {
        String ceId = UUID.randomUUID().toString();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig(), new StringSerializer(),
                new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.JOBS, "broken-job",
                    "{\"jobId\": \"broken-job\", \"site\": 7}".getBytes(StandardCharsets.UTF_8));
            record.headers().add(CloudEventHeaders.ID, ceId.getBytes(StandardCharsets.UTF_8));
            record.headers().add(CloudEventHeaders.SOURCE, "/external/test".getBytes(StandardCharsets.UTF_8));
            record.headers().add(CloudEventHeaders.TYPE, "io.spillway.JobStarted.v1".getBytes(StandardCharsets.UTF_8));
            producer.send(record);
        }

        ConsumerRecord<String, byte[]> dead = awaitRecord(Topics.deadLetter("job-intake"), "broken-job", null);
        String reason = header(dead, "dead-letter-reason");
        assertNotNull(reason);
        assertTrue(reason.contains("JobStarted breaks its schema"), reason);
    }

    @Test
    void anExternalSystemSubmitsAJobAsAStructuredCloudEventThatIsPublishedUnchangedOnce() throws Exception {
        String jobId = "ext-" + UUID.randomUUID();
        String ceId = UUID.randomUUID().toString();
        String event = """
                {"specversion": "1.0", "id": "%s", "source": "/ci/pipeline-7", "type": "io.spillway.JobSubmitted.v1",
                 "subject": "%s", "time": "2026-11-29T10:00:00Z",
                 "data": {"jobId": "%s", "site": "onprem",
                          "spec": {"name": "nightly", "project": "vision", "command": ["true"], "gpu": 1,
                                   "workers": 1, "priority": "train"}}}
                """.formatted(ceId, jobId, jobId);

        admin().contentType("application/cloudevents+json").body(event).post("/api/v1/events")
                .then().statusCode(202).body("id", equalTo(ceId)).body("duplicate", equalTo(false));
        admin().contentType("application/cloudevents+json").body(event).post("/api/v1/events")
                .then().statusCode(200).body("duplicate", equalTo(true));

        ConsumerRecord<String, byte[]> published = awaitRecord(Topics.JOBS, jobId, "io.spillway.JobSubmitted.v1");
        assertEquals(ceId, header(published, CloudEventHeaders.ID));
        assertEquals("/ci/pipeline-7", header(published, CloudEventHeaders.SOURCE));
        assertEquals(1, countRecords(Topics.JOBS, jobId), "a repeated post is published once");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> admin().get("/api/v1/jobs/" + jobId)
                .then().statusCode(200).body("name", equalTo("nightly")).body("project", equalTo("vision")));
    }

    @Test
    void aRecordWhoseCeTimeOmitsTheSecondsDoesNotStallTheConsumer() throws Exception {
        String jobId = "raw-" + UUID.randomUUID();
        byte[] data = EventCodec.shared().encode(new JobEvent.JobSubmitted(jobId, "onprem",
                new JobSpec("raw", "vision", null, List.of("true"), 1.0, null, null, null, 1, null, null, null, null,
                        null),
                null));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig(), new StringSerializer(),
                new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.JOBS, jobId, data);
            record.headers().add(CloudEventHeaders.ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
            record.headers().add(CloudEventHeaders.SOURCE, "/external/test".getBytes(StandardCharsets.UTF_8));
            record.headers().add(CloudEventHeaders.SPEC_VERSION, "1.0".getBytes(StandardCharsets.UTF_8));
            record.headers().add(CloudEventHeaders.TYPE,
                    "io.spillway.JobSubmitted.v1".getBytes(StandardCharsets.UTF_8));
            record.headers().add(CloudEventHeaders.TIME, "2026-11-29T10:00Z".getBytes(StandardCharsets.UTF_8));
            producer.send(record).get();
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> admin().get("/api/v1/jobs/" + jobId)
                .then().statusCode(200).body("name", equalTo("raw")));
    }

    @Test
    void anExternalSystemCancelsAJobWithABinaryModeCloudEvent() {
        String jobId = "ext-" + UUID.randomUUID();

        admin().contentType(ContentType.JSON).header("ce-id", UUID.randomUUID().toString())
                .header("ce-source", "/scheduler-bridge").header("ce-type", "io.spillway.JobCancelled.v1")
                .header("ce-specversion", "1.0").body(Map.of("jobId", jobId, "reason", "budget exhausted"))
                .post("/api/v1/events")
                .then().statusCode(202).body("subject", equalTo(jobId));

        awaitRecord(Topics.JOBS, jobId, "io.spillway.JobCancelled.v1");
    }

    @Test
    void postedEventsThatAreNotAcceptableAreRefusedSayingWhy() {
        admin().contentType(ContentType.JSON).header("ce-id", "1").header("ce-source", "/x")
                .header("ce-type", "io.spillway.GpuAllocated.v1").header("ce-specversion", "1.0")
                .body(Map.of("jobId", "j")).post("/api/v1/events")
                .then().statusCode(400).body("violations[0].field", equalTo("ce-type"))
                .body("violations[0].message", containsString("not accepted from external systems"));
        admin().contentType(ContentType.JSON).header("ce-source", "/x")
                .header("ce-type", "io.spillway.JobCancelled.v1").header("ce-specversion", "0.3")
                .body(Map.of("jobId", "j")).post("/api/v1/events")
                .then().statusCode(400).body("violations.field", hasItems("ce-id", "ce-specversion"));
        admin().contentType("application/cloudevents+json")
                .body("{\"specversion\": \"1.0\", \"id\": \"2\", \"source\": \"/x\","
                        + " \"type\": \"io.spillway.JobSubmitted.v1\", \"data\": {\"jobId\": \"j\", \"site\": \"onprem\"}}")
                .post("/api/v1/events")
                .then().statusCode(400).body("violations[0].field", equalTo("data"))
                .body("violations[0].message", containsString("spec"));
        admin().contentType(ContentType.JSON).header("ce-id", "3").header("ce-source", "/x")
                .header("ce-type", "io.spillway.JobTeleported.v1").header("ce-specversion", "1.0")
                .body(Map.of("jobId", "j")).post("/api/v1/events")
                .then().statusCode(400).body("violations[0].field", equalTo("ce-type"));
    }

    @Test
    void isReadyWhenKafkaAndTheDatabaseAnswer() {
        admin().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        admin().get("/q/openapi").then().statusCode(200);
    }
}
