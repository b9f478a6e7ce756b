package io.spillway.scheduler;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.spillway.scheduler.executor.LocalExecutor;
import io.spillway.schemas.CloudEvent;
import io.spillway.schemas.CloudEventDeserializer;
import io.spillway.schemas.JobEvent.GpuAllocated;
import io.spillway.schemas.JobEvent.JobCancelled;
import io.spillway.schemas.JobEvent.JobCompleted;
import io.spillway.schemas.JobEvent.JobPreempted;
import io.spillway.schemas.JobEvent.JobStarted;
import io.spillway.schemas.JobEvent.JobSubmitted;
import io.spillway.schemas.JobSpec;
import io.spillway.schemas.Placement;
import io.spillway.schemas.PriorityClass;
import io.spillway.schemas.ProjectEvent;
import io.spillway.schemas.QueueEvent;
import io.spillway.schemas.Topics;
import io.spillway.testing.PlatformTestResource;
import io.spillway.testing.ServiceCalls;

import static io.spillway.scheduler.JobsTopic.newJobId;
import static io.spillway.scheduler.JobsTopic.newTraceparent;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A site of two one-GPU nodes with a queue threshold of 1: gangs across nodes, and the queue signal rising and
 * falling once each way as jobs wait and drain.
 */
@QuarkusTest
@TestProfile(SiteBehaviourIT.TwoSmallNodes.class)
@QuarkusTestResource(PlatformTestResource.class)
class SiteBehaviourIT extends JobsTopicTest {

    SiteBehaviourIT() {
        super(SITE);
    }

    static final String SITE = "edge";

    public static class TwoSmallNodes implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("spillway.site", SITE,
                    "spillway.scheduler.nodes.edge-0.gpus", "1",
                    "spillway.scheduler.nodes.edge-1.gpus", "1",
                    "spillway.scheduler.queue.threshold", "1",
                    "spillway.scheduler.queue.low-watermark", "0",
                    "spillway.scheduler.queue.debounce", "1s",
                    "spillway.scheduler.preempt-grace-period", "2s");
        }
    }

    @Inject
    LocalExecutor executor;

    @Test
    void aGangRunsAllItsWorkersAtOnceEachOnItsOwnNode() throws Exception {
        String jobId = newJobId();
        jobs.send(new JobSubmitted(jobId, SITE, spec(List.of("sh", "-c",
                "echo \"worker $SPILLWAY_WORKER of $SPILLWAY_WORKERS on GPU $CUDA_VISIBLE_DEVICES\""), 2), "alice"),
                newTraceparent());

        GpuAllocated allocated = jobs.awaitEmitted(jobId, GpuAllocated.class);
        assertEquals(List.of(0, 1), allocated.placements().stream().map(Placement::worker).toList());
        assertEquals(List.of("edge-0", "edge-1"), allocated.placements().stream().map(Placement::node).sorted()
                .toList());
        jobs.awaitEmitted(jobId, JobCompleted.class);
        assertEquals(1, jobs.emitted(jobId).stream().filter(e -> e.data() instanceof JobCompleted).count());
        String worker0 = Files.readString(executor.jobDir(jobId).resolve(LocalExecutor.OUTPUT_LOG));
        String worker1 = Files.readString(executor.jobDir(jobId).resolve("output-worker1.log"));
        assertTrue(worker0.contains("worker 0 of 2"), worker0);
        assertTrue(worker1.contains("worker 1 of 2"), worker1);
    }

    @Test
    void theQueueSignalRisesOnceAndFallsOnceAsJobsWaitAndDrain() {
        ConsumerTask<String, byte[]> queues = companion.consume(String.class, byte[].class)
                .withProp("auto.offset.reset", "earliest").fromTopics(Topics.QUEUES);
        try {
            List<String> ids = List.of(newJobId(), newJobId(), newJobId(), newJobId());
            for (String id : ids) {
                jobs.send(new JobSubmitted(id, SITE, spec(List.of("sleep", "3"), 1), "alice"), newTraceparent());
            }
            // Two run, two wait (more than the threshold of 1), then the queue drains as they end.
            ids.forEach(id -> jobs.awaitEmitted(id, JobCompleted.class));
            await().atMost(Duration.ofSeconds(30)).until(() -> signals(queues).stream()
                    .anyMatch(event -> event.data() instanceof QueueEvent.QueueDrained));

            List<CloudEvent> signals = signals(queues);
            assertEquals(List.of("QueueThresholdExceeded", "QueueDrained"), signals.stream()
                    .map(event -> event.data().getClass().getSimpleName()).toList());
            QueueEvent.QueueThresholdExceeded exceeded = (QueueEvent.QueueThresholdExceeded) signals.get(0).data();
            assertEquals(1, exceeded.threshold());
            assertTrue(exceeded.waiting() >= 2, "waiting: " + exceeded.waiting());
            assertTrue(ids.containsAll(exceeded.candidates().stream().map(c -> c.jobId()).toList())
                    && !exceeded.candidates().isEmpty(), exceeded.candidates().toString());
        } finally {
            queues.stop();
        }
    }

    @Test
    void aProjectBelowItsShareReclaimsAGpuFromAnOverQuotaProjectWhichRunsAgainLater() {
        String suffix = java.util.UUID.randomUUID().toString().substring(0, 8);
        String owner = "owner-" + suffix;
        String borrower = "borrower-" + suffix;
        publishProject(new ProjectEvent.ProjectUpdated(owner, 1, 1, null, null));
        publishProject(new ProjectEvent.ProjectUpdated(borrower, 0, 1, null, null));
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            String projects = ServiceCalls.given().get("/api/v1/scheduler/projects").asString();
            return projects.contains(owner) && projects.contains(borrower);
        });
        // The borrower takes both GPUs while nobody else wants them.
        String older = newJobId();
        String newer = newJobId();
        jobs.send(new JobSubmitted(older, SITE, spec(borrower, List.of("sleep", "30"), 1), "bob"), newTraceparent());
        jobs.awaitEmitted(older, JobStarted.class);
        jobs.send(new JobSubmitted(newer, SITE, spec(borrower, List.of("sleep", "30"), 1), "bob"), newTraceparent());
        jobs.awaitEmitted(newer, JobStarted.class);

        String mine = newJobId();
        jobs.send(new JobSubmitted(mine, SITE, spec(owner, List.of("true"), 1), "alice"), newTraceparent());

        JobPreempted preempted = jobs.awaitEmitted(newer, JobPreempted.class);
        assertEquals(mine, preempted.preemptedBy());
        assertTrue(preempted.reason().contains("reclaimed for project " + owner), preempted.reason());
        jobs.awaitEmitted(mine, JobCompleted.class);
        await().atMost(JobsTopic.TIMEOUT).until(() -> jobs.emitted(newer).stream()
                .filter(event -> event.data() instanceof JobStarted).count() == 2);
        assertTrue(jobs.emitted(older).stream().noneMatch(event -> event.data() instanceof JobPreempted),
                "the newest over-quota job gives way, the older keeps running");
        for (String id : List.of(older, newer)) {
            jobs.send(new JobCancelled(id, "test done", "tester"), newTraceparent());
        }
    }

    private void publishProject(ProjectEvent event) {
        CloudEvent cloudEvent = CloudEvent.of(CloudEvent.source("onprem", "job-intake"), event, null);
        companion.produceWithSerializers(new org.apache.kafka.common.serialization.StringSerializer(),
                new io.spillway.schemas.CloudEventSerializer())
                .fromRecords(new org.apache.kafka.clients.producer.ProducerRecord<>(cloudEvent.topic(),
                        cloudEvent.subject(), cloudEvent))
                .awaitCompletion(JobsTopic.TIMEOUT);
    }

    private static List<CloudEvent> signals(ConsumerTask<String, byte[]> queues) {
        CloudEventDeserializer deserializer = new CloudEventDeserializer();
        return queues.getRecords().stream()
                .filter(record -> SITE.equals(record.key()))
                .map((ConsumerRecord<String, byte[]> record) -> deserializer.deserialize(record.topic(),
                        record.headers(), record.value()))
                .toList();
    }

    private static JobSpec spec(List<String> command, int workers) {
        return spec("research", command, workers);
    }

    private static JobSpec spec(String project, List<String> command, int workers) {
        return new JobSpec("edge-job", project, null, command, 1.0, null, null, null, workers, PriorityClass.TRAIN,
                List.of(), Map.of(), null, null);
    }
}
