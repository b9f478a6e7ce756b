package io.spillway.scheduler;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.spillway.scheduler.executor.LocalExecutor;
import io.spillway.schemas.CloudEvent;
import io.spillway.schemas.CloudEventHeaders;
import io.spillway.schemas.EventType;
import io.spillway.schemas.JobEvent.GpuAllocated;
import io.spillway.schemas.JobEvent.JobCancelled;
import io.spillway.schemas.JobEvent.JobCompleted;
import io.spillway.schemas.JobEvent.JobFailed;
import io.spillway.schemas.JobEvent.JobHandedOver;
import io.spillway.schemas.JobEvent.JobPending;
import io.spillway.schemas.JobEvent.JobRerouteDeclined;
import io.spillway.schemas.JobEvent.JobRerouted;
import io.spillway.schemas.JobEvent.JobStarted;
import io.spillway.schemas.JobEvent.JobSubmitted;
import io.spillway.schemas.Topics;
import io.spillway.testing.PlatformTestResource;

import static io.spillway.scheduler.JobsTopic.TIMEOUT;
import static io.spillway.scheduler.JobsTopic.newJobId;
import static io.spillway.scheduler.JobsTopic.newTraceparent;
import static io.spillway.scheduler.JobsTopic.spec;
import static io.spillway.scheduler.JobsTopic.traceId;
import static io.spillway.testing.ServiceCalls.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scheduler of site onprem against a real broker and database, running real processes on its 2 GPUs. */
@QuarkusTest
@QuarkusTestResource(PlatformTestResource.class)
class GpuSchedulerIT extends JobsTopicTest {

    GpuSchedulerIT() {
        super("onprem");
    }

    @Inject
    LocalExecutor executor;

    @Test
    void runsASubmittedJobOnAGpuAndReportsItsSuccessInTheJobsTrace() throws Exception {
        String jobId = newJobId();
        String traceparent = newTraceparent();

        jobs.send(new JobSubmitted(jobId, "onprem", spec(List.of("sh", "-c",
                "echo hello; echo \"gpus=$CUDA_VISIBLE_DEVICES share=$SPILLWAY_GPU_FRACTION\"; exit 0"), 1.0), "alice"),
                traceparent);

        JobCompleted completed = jobs.awaitEmitted(jobId, JobCompleted.class);
        assertEquals(0, completed.exitCode());
        assertEquals(List.of("JobPending", "GpuAllocated", "JobStarted", "JobCompleted"), jobs.emittedTypes(jobId));
        for (CloudEvent event : jobs.emitted(jobId)) {
            assertEquals(traceId(traceparent), traceId(event.traceparent()), event.type() + " continues the job's trace");
        }
        GpuAllocated allocated = jobs.awaitEmitted(jobId, GpuAllocated.class);
        assertEquals("local-0", allocated.placements().get(0).node());
        assertEquals(1, allocated.placements().get(0).gpuIds().size());
        assertEquals(1.0, allocated.placements().get(0).gpuFraction());
        JobStarted started = jobs.awaitEmitted(jobId, JobStarted.class);
        assertEquals("local", started.executor());
        assertEquals("local-0", started.node());

        String log = Files.readString(executor.jobDir(jobId).resolve(LocalExecutor.OUTPUT_LOG));
        assertTrue(log.contains("hello"), log);
        assertTrue(log.contains("gpus=" + allocated.placements().get(0).gpuIds().get(0) + " share=1"), log);

        given().get("/api/v1/scheduler/state").then().statusCode(200)
                .body("site", equalTo("onprem"))
                .body("nodes[0].name", equalTo("local-0"))
                .body("nodes[0].gpus.id", equalTo(List.of("0", "1")))
                .body("jobs.find { it.jobId == '" + jobId + "' }.state", equalTo("SUCCEEDED"))
                .body("jobs.find { it.jobId == '" + jobId + "' }.exitCode", equalTo(0));
    }

    @Test
    void reportsTheExitCodeOfAJobThatFails() {
        String jobId = newJobId();
        String traceparent = newTraceparent();

        jobs.send(new JobSubmitted(jobId, "onprem", spec(List.of("sh", "-c", "echo failing; exit 3"), 1.0), "alice"),
                traceparent);

        JobFailed failed = jobs.awaitEmitted(jobId, JobFailed.class);
        assertEquals(3, failed.exitCode());
        assertEquals("exited with code 3", failed.reason());
        assertEquals(List.of("JobPending", "GpuAllocated", "JobStarted", "JobFailed"), jobs.emittedTypes(jobId));
        jobs.emitted(jobId).forEach(event -> assertEquals(traceId(traceparent), traceId(event.traceparent())));
    }

    @Test
    void sharesOneGpuBetweenJobsThatAskForHalfOfOne() {
        String first = newJobId();
        String second = newJobId();
        String sleeper = "sleep 2; echo \"gpu=$CUDA_VISIBLE_DEVICES share=$SPILLWAY_GPU_FRACTION\"";

        jobs.send(new JobSubmitted(first, "onprem", spec(List.of("sh", "-c", sleeper), 0.5), "alice"), newTraceparent());
        jobs.send(new JobSubmitted(second, "onprem", spec(List.of("sh", "-c", sleeper), 0.5), "bob"), newTraceparent());

        GpuAllocated a = jobs.awaitEmitted(first, GpuAllocated.class);
        GpuAllocated b = jobs.awaitEmitted(second, GpuAllocated.class);
        assertEquals(a.placements().get(0).gpuIds(), b.placements().get(0).gpuIds(), "best fit packs them together");
        assertEquals(0.5, a.placements().get(0).gpuFraction());
        jobs.awaitEmitted(first, JobCompleted.class);
        jobs.awaitEmitted(second, JobCompleted.class);
    }

    @Test
    void runsARedeliveredJobSubmittedOnlyOnce() throws Exception {
        String jobId = newJobId();
        CloudEvent submitted = CloudEvent.of(CloudEvent.source("onprem", "job-intake"),
                new JobSubmitted(jobId, "onprem", spec(List.of("sh", "-c", "echo ran"), 1.0), "alice"),
                newTraceparent());

        jobs.send(submitted);
        jobs.awaitEmitted(jobId, JobCompleted.class);
        jobs.awaitHandled(jobs.send(submitted));

        assertEquals(List.of("JobPending", "GpuAllocated", "JobStarted", "JobCompleted"), jobs.emittedTypes(jobId));
        String log = Files.readString(executor.jobDir(jobId).resolve(LocalExecutor.OUTPUT_LOG));
        assertEquals("ran\n", log);
    }

    @Test
    void failsAJobWhoseCommandCannotStartWithTheReason() {
        String jobId = newJobId();

        jobs.send(new JobSubmitted(jobId, "onprem", spec(List.of("spillway-no-such-program"), 1.0), "alice"),
                newTraceparent());

        JobFailed failed = jobs.awaitEmitted(jobId, JobFailed.class);
        assertNull(failed.exitCode(), "it never ran");
        assertTrue(failed.reason().startsWith("cannot start spillway-no-such-program"), failed.reason());
    }

    @Test
    void refusesAGpuRequestNoSiteCouldRunWithTheReason() {
        String jobId = newJobId();

        jobs.send(new JobSubmitted(jobId, "onprem", spec(List.of("true"), 1.5), "alice"), newTraceparent());

        JobFailed failed = jobs.awaitEmitted(jobId, JobFailed.class);
        assertNull(failed.exitCode());
        assertEquals("cannot schedule: gpu 1.5 is neither a share of one GPU (below 1) nor a whole number of GPUs",
                failed.reason());
    }

    @Test
    void keepsAJobThatCannotFitPendingWithAReasonUntilItIsCancelled() {
        String jobId = newJobId();

        jobs.send(new JobSubmitted(jobId, "onprem", spec(List.of("true"), 4.0), "alice"), newTraceparent());

        await().atMost(TIMEOUT).until(() -> jobs.emitted(jobId).stream()
                .anyMatch(event -> event.data() instanceof JobPending pending
                        && pending.reason().equals("no node has 4 GPUs: the largest has 2")));

        jobs.send(new JobCancelled(jobId, "not needed", "alice"), newTraceparent());

        await().atMost(TIMEOUT).untilAsserted(() -> given().get("/api/v1/scheduler/state").then()
                .body("jobs.find { it.jobId == '" + jobId + "' }.state", equalTo("CANCELLED")));
        assertEquals(List.of("JobPending", "JobPending"), jobs.emittedTypes(jobId));
    }

    @Test
    void stopsARunningJobThatIsCancelledAndFreesItsGpu() throws Exception {
        String jobId = newJobId();
        jobs.send(new JobSubmitted(jobId, "onprem", spec(List.of("sh", "-c", "echo started; exec sleep 300"), 1.0),
                "alice"), newTraceparent());
        jobs.awaitEmitted(jobId, JobStarted.class);

        jobs.send(new JobCancelled(jobId, "changed my mind", "alice"), newTraceparent());

        await().atMost(TIMEOUT).untilAsserted(() -> given().get("/api/v1/scheduler/state").then()
                .body("jobs.find { it.jobId == '" + jobId + "' }.state", equalTo("CANCELLED"))
                .body("nodes[0].gpus.jobs.flatten()", not(hasItems(jobId))));
        assertEquals(List.of("JobPending", "GpuAllocated", "JobStarted"), jobs.emittedTypes(jobId),
                "job-intake marks the job cancelled itself; the scheduler adds no end event");
    }

    @Test
    void runsAJobReroutedHereOnlyOnceItsHomeSiteHandsItOver() {
        String jobId = newJobId();
        String traceparent = newTraceparent();
        jobs.send(new JobSubmitted(jobId, "cloud", spec(List.of("sh", "-c", "echo \"at $SPILLWAY_SITE\""), 1.0),
                "alice"), traceparent);

        jobs.awaitHandled(jobs.send(CloudEvent.of(CloudEvent.source("onprem", "burst-coordinator"),
                new JobRerouted(jobId, "cloud", "onprem", "burst-1"), traceparent)));

        assertNotQueuedHere(jobId, "a reroute alone does not queue the job: its home site has not given it up yet");

        jobs.send(CloudEvent.of(CloudEvent.source("cloud", "gpu-scheduler"),
                new JobHandedOver(jobId, "cloud", "onprem", "burst-1"), traceparent));

        jobs.awaitEmitted(jobId, JobCompleted.class);
        assertEquals("JobPending", jobs.emittedTypes(jobId).get(0));
        assertTrue(jobs.awaitEmitted(jobId, JobPending.class).reason().startsWith("rerouted from cloud"));
        jobs.emitted(jobId).forEach(event -> assertEquals(traceId(traceparent), traceId(event.traceparent())));
    }

    @Test
    void neverQueuesAJobWhoseHomeSiteDeclinedItsReroute() {
        String jobId = newJobId();
        String traceparent = newTraceparent();
        jobs.send(new JobSubmitted(jobId, "cloud", spec(List.of("true"), 1.0), "alice"), traceparent);
        jobs.send(CloudEvent.of(CloudEvent.source("onprem", "burst-coordinator"),
                new JobRerouted(jobId, "cloud", "onprem", "burst-1"), traceparent));

        jobs.awaitHandled(jobs.send(CloudEvent.of(CloudEvent.source("cloud", "gpu-scheduler"),
                new JobRerouteDeclined(jobId, "cloud", "onprem", "burst-1", "already running at cloud"),
                traceparent)));

        assertNotQueuedHere(jobId, "the home site kept the job");
    }

    @Test
    void doesNotQueueAJobHandedOverAfterItWasCancelled() {
        String jobId = newJobId();
        String traceparent = newTraceparent();
        jobs.send(new JobSubmitted(jobId, "cloud", spec(List.of("true"), 1.0), "alice"), traceparent);
        jobs.send(CloudEvent.of(CloudEvent.source("onprem", "burst-coordinator"),
                new JobRerouted(jobId, "cloud", "onprem", "burst-1"), traceparent));
        jobs.send(new JobCancelled(jobId, "not needed", "alice"), newTraceparent());

        jobs.awaitHandled(jobs.send(CloudEvent.of(CloudEvent.source("cloud", "gpu-scheduler"),
                new JobHandedOver(jobId, "cloud", "onprem", "burst-1"), traceparent)));

        assertNotQueuedHere(jobId, "the job was cancelled before its hand-over reached this site");
    }

    @Test
    void handsAWaitingJobOverToTheBurstSiteInTheJobsTrace() {
        String jobId = newJobId();
        String traceparent = newTraceparent();
        jobs.send(new JobSubmitted(jobId, "onprem", spec(List.of("true"), 4.0), "alice"), traceparent);
        await().atMost(TIMEOUT).until(() -> jobs.emitted(jobId).stream()
                .anyMatch(event -> event.data() instanceof JobPending pending
                        && pending.reason().equals("no node has 4 GPUs: the largest has 2")));

        jobs.send(CloudEvent.of(CloudEvent.source("onprem", "burst-coordinator"),
                new JobRerouted(jobId, "onprem", "cloud", "burst-1"), newTraceparent()));

        JobHandedOver handedOver = jobs.awaitEmitted(jobId, JobHandedOver.class);
        assertEquals(new JobHandedOver(jobId, "onprem", "cloud", "burst-1"), handedOver);
        CloudEvent answer = jobs.emitted(jobId).stream().filter(event -> event.data() instanceof JobHandedOver)
                .findFirst().orElseThrow();
        assertEquals(traceId(traceparent), traceId(answer.traceparent()), "the hand-over continues the job's trace");
        given().get("/api/v1/scheduler/state").then()
                .body("jobs.find { it.jobId == '" + jobId + "' }.state", equalTo("REROUTED"));

        // A second burst asking for it elsewhere is told where it went; the same reroute again gets the same answer.
        jobs.send(CloudEvent.of(CloudEvent.source("onprem", "burst-coordinator"),
                new JobRerouted(jobId, "onprem", "cloud-b", "burst-2"), traceparent));
        assertEquals("already handed over to cloud",
                jobs.awaitEmitted(jobId, JobRerouteDeclined.class).reason());
        jobs.send(CloudEvent.of(CloudEvent.source("onprem", "burst-coordinator"),
                new JobRerouted(jobId, "onprem", "cloud", "burst-1"), traceparent));
        await().atMost(TIMEOUT).until(() -> jobs.emittedTypes(jobId).stream()
                .filter("JobHandedOver"::equals).count() == 2);
        assertEquals(List.of("JobPending", "JobPending", "JobHandedOver", "JobRerouteDeclined", "JobHandedOver"),
                jobs.emittedTypes(jobId), "queued, then waiting for 4 GPUs, then the answers");
    }

    @Test
    void declinesTheRerouteOfAJobAlreadyRunningHereAndKeepsRunningIt() throws Exception {
        String jobId = newJobId();
        String traceparent = newTraceparent();
        jobs.send(new JobSubmitted(jobId, "onprem", spec(List.of("sh", "-c", "exec sleep 300"), 1.0), "alice"),
                traceparent);
        jobs.awaitEmitted(jobId, JobStarted.class);

        jobs.send(CloudEvent.of(CloudEvent.source("onprem", "burst-coordinator"),
                new JobRerouted(jobId, "onprem", "cloud", "burst-1"), traceparent));

        JobRerouteDeclined declined = jobs.awaitEmitted(jobId, JobRerouteDeclined.class);
        assertEquals(new JobRerouteDeclined(jobId, "onprem", "cloud", "burst-1", "already running at onprem"),
                declined);
        assertEquals(List.of("JobPending", "GpuAllocated", "JobStarted", "JobRerouteDeclined"),
                jobs.emittedTypes(jobId));
        given().get("/api/v1/scheduler/state").then()
                .body("jobs.find { it.jobId == '" + jobId + "' }.state", equalTo("RUNNING"));

        jobs.send(new JobCancelled(jobId, "test over", "alice"), newTraceparent());
        await().atMost(TIMEOUT).untilAsserted(() -> given().get("/api/v1/scheduler/state").then()
                .body("jobs.find { it.jobId == '" + jobId + "' }.state", equalTo("CANCELLED")));
    }

    /** Neither queued in this site's tables nor announced by it; the tables are written before the offset commits. */
    private void assertNotQueuedHere(String jobId, String why) {
        given().get("/api/v1/scheduler/state").then()
                .body("jobs.find { it.jobId == '" + jobId + "' }", nullValue());
        assertEquals(List.of(), jobs.emittedTypes(jobId), why);
    }

    @Test
    void deadLettersAMalformedJobSubmittedWithItsCause() {
        String key = "malformed-" + UUID.randomUUID();
        RecordHeaders headers = new RecordHeaders();
        headers.add(CloudEventHeaders.ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        headers.add(CloudEventHeaders.TYPE, EventType.JOB_SUBMITTED.ceType().getBytes(StandardCharsets.UTF_8));
        headers.add(CloudEventHeaders.SOURCE, "/sites/onprem/test".getBytes(StandardCharsets.UTF_8));
        headers.add(CloudEventHeaders.SPEC_VERSION, "1.0".getBytes(StandardCharsets.UTF_8));

        companion.produce(String.class, byte[].class).fromRecords(new ProducerRecord<>(Topics.JOBS, null, key,
                "{\"jobId\": ".getBytes(StandardCharsets.UTF_8), headers)).awaitCompletion(TIMEOUT);

        var deadLetters = companion.consume(String.class, byte[].class)
                .withProp("auto.offset.reset", "earliest")
                .fromTopics(Topics.deadLetter("gpu-scheduler"));
        try {
            await().atMost(TIMEOUT).until(() -> deadLetters.getRecords().stream().anyMatch(r -> key.equals(r.key())));
            ConsumerRecord<String, byte[]> dead = deadLetters.getRecords().stream()
                    .filter(r -> key.equals(r.key())).findFirst().orElseThrow();
            String reason = header(dead, "dead-letter-reason");
            assertNotNull(reason, "the dead letter says why");
            assertTrue(reason.contains("not valid JSON"), reason);
            assertNotNull(header(dead, "dead-letter-cause"), "and keeps the cause");
        } finally {
            deadLetters.stop();
        }
    }

    @Test
    void isReadyWhenKafkaAndTheDatabaseAnswer() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
