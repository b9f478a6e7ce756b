package io.spillway.burst.messaging;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.spillway.schemas.BurstEvent.BurstFailed;
import io.spillway.schemas.JobEvent.JobRerouted;
import io.spillway.schemas.StorageEvent.RestoreRequested;
import io.spillway.schemas.StorageEvent.SnapshotRequested;
import io.spillway.testing.PlatformTestResource;

import static io.spillway.burst.messaging.SagaHarness.candidate;
import static io.spillway.burst.messaging.SagaHarness.cloudEvents;
import static io.spillway.burst.messaging.SagaHarness.signal;
import static io.spillway.burst.messaging.SagaHarness.uniqueSite;
import static io.spillway.burst.messaging.SagaHarness.uploaded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A restore that never answers: the timer fails the burst once its timeout passes, and no job moves. */
@QuarkusTest
@TestProfile(BurstTimeoutIT.ShortRestoreTimeout.class)
@WithTestResource(PlatformTestResource.class)
class BurstTimeoutIT extends SagaTest {

    public static class ShortRestoreTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // burst-site: the name the CLI's local stack still sets; it keeps working (bursts go to cloud only).
            return Map.of("spillway.burst.timeouts.restore", "2s", "spillway.burst.tick", "200ms", "spillway.burst.burst-site",
                    "cloud");
        }
    }

    @Test
    void aRestoreThatTakesTooLongFailsTheBurstNamingTheTimeout() {
        String site = uniqueSite();
        harness.send(signal(site, candidate(site + "-job", "datasets")));
        SnapshotRequested snapshot = harness.await(harness.snapshots, SnapshotRequested.class, 1,
                request -> request.site().equals(site)).get(0);
        String burstId = snapshot.burstId();
        harness.send(uploaded(snapshot, 10));
        harness.await(harness.snapshots, RestoreRequested.class, 1, event -> burstId.equals(event.burstId()));

        BurstFailed failed = harness.await(harness.bursts, BurstFailed.class, 1,
                event -> burstId.equals(event.burstId())).get(0);
        assertEquals("restore", failed.step());
        assertTrue(failed.reason().contains("timed out after 2s"), failed.reason());
        assertEquals("FAILED", harness.stored(burstId).statePhase());
        harness.awaitEverythingPublished();
        assertEquals(List.of(), cloudEvents(harness.jobs, JobRerouted.class, event -> burstId.equals(event.burstId())));
        assertEquals(1, cloudEvents(harness.bursts, BurstFailed.class, event -> burstId.equals(event.burstId()))
                .size(), "failed once, however many ticks followed");
    }
}
