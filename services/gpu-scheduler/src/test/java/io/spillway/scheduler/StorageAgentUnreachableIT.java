package io.spillway.scheduler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.spillway.schemas.JobEvent.GpuAllocated;
import io.spillway.schemas.JobEvent.JobCompleted;
import io.spillway.schemas.JobEvent.JobFailed;
import io.spillway.schemas.JobEvent.JobPending;
import io.spillway.schemas.JobEvent.JobStarted;
import io.spillway.schemas.JobEvent.JobSubmitted;
import io.spillway.schemas.JobSpec;
import io.spillway.schemas.PriorityClass;
import io.spillway.schemas.VolumeMount;
import io.spillway.testing.PlatformTestResource;

import static io.spillway.scheduler.JobsTopic.newJobId;
import static io.spillway.scheduler.JobsTopic.newTraceparent;
import static io.spillway.scheduler.JobsTopic.spec;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A site whose storage-agent does not answer (nothing listens at its URL): a job with a volume is not failed and not
 * lost, it waits with a reason that says so and is tried again; jobs without volumes run meanwhile. (The mounts a
 * live storage-agent grants and refuses are shown end to end by system-tests' JobVolumesIT.)
 */
@QuarkusTest
@TestProfile(StorageAgentUnreachableIT.StorageAgentDown.class)
@QuarkusTestResource(PlatformTestResource.class)
class StorageAgentUnreachableIT extends JobsTopicTest {

    StorageAgentUnreachableIT() {
        super(SITE);
    }

    static final String SITE = "nostorage";

    public static class StorageAgentDown implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("spillway.site", SITE,
                    "spillway.scheduler.storage-url", "http://127.0.0.1:" + portNobodyListensOn(),
                    "spillway.scheduler.storage-timeout", "1s");
        }
    }

    @Test
    void aJobWithAVolumeWaitsForTheStorageAgentWithAReasonWhileOtherJobsRun() {
        String withVolume = newJobId();
        jobs.send(new JobSubmitted(withVolume, SITE, new JobSpec("needs-data", "research", null, List.of("true"), 1.0,
                null, null, null, 1, PriorityClass.TRAIN, List.of(new VolumeMount("datasets", "imagenet", "/data",
                        true)),
                Map.of(), null, null), "alice"), newTraceparent());

        await().atMost(JobsTopic.TIMEOUT).until(() -> jobs.emitted(withVolume).stream()
                .filter(event -> event.data() instanceof JobPending).map(event -> ((JobPending) event.data()).reason())
                .anyMatch(reason -> reason.contains("waiting for the storage-agent to mount volume"
                        + " datasets/imagenet:/data:ro") && reason.contains("does not answer: Connection refused")));

        String withoutVolume = newJobId();
        jobs.send(new JobSubmitted(withoutVolume, SITE, spec(List.of("true"), 1.0), "alice"), newTraceparent());
        jobs.awaitEmitted(withoutVolume, JobCompleted.class);

        // Tried again after a while (placed again), never started, never failed, and the reason said only once.
        await().atMost(Duration.ofSeconds(30)).until(() -> jobs.emitted(withVolume).stream()
                .filter(event -> event.data() instanceof GpuAllocated).count() >= 2);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> jobs.emitted(withVolume)
                .stream().noneMatch(event -> event.data() instanceof JobStarted || event.data() instanceof JobFailed));
        assertEquals(1, jobs.emitted(withVolume).stream().filter(event -> event.data() instanceof JobPending pending
                && pending.reason().contains("storage-agent")).count(), jobs.emittedTypes(withVolume).toString());
    }

    static int portNobodyListensOn() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
