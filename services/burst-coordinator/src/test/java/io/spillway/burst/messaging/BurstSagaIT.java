package io.spillway.burst.messaging;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.spillway.schemas.BurstCandidate;
import io.spillway.schemas.BurstEvent.BurstFailed;
import io.spillway.schemas.BurstEvent.ClusterBurstReady;
import io.spillway.schemas.BurstEvent.ClusterBurstReleased;
import io.spillway.schemas.CloudEvent;
import io.spillway.schemas.JobEvent.JobCompleted;
import io.spillway.schemas.JobEvent.JobHandedOver;
import io.spillway.schemas.JobEvent.JobRerouteDeclined;
import io.spillway.schemas.JobEvent.JobRerouted;
import io.spillway.schemas.JobEvent.JobStarted;
import io.spillway.schemas.QueueEvent.QueueDrained;
import io.spillway.schemas.StorageEvent.RestoreRequested;
import io.spillway.schemas.StorageEvent.SnapshotFailed;
import io.spillway.schemas.StorageEvent.SnapshotRequested;
import io.spillway.schemas.VolumeMount;
import io.spillway.testing.PlatformTestResource;
import io.spillway.testing.TestEvents;

import static io.spillway.burst.messaging.SagaHarness.burst;
import static io.spillway.burst.messaging.SagaHarness.candidate;
import static io.spillway.burst.messaging.SagaHarness.cloudEvents;
import static io.spillway.burst.messaging.SagaHarness.job;
import static io.spillway.burst.messaging.SagaHarness.onlyBurstOf;
import static io.spillway.burst.messaging.SagaHarness.restored;
import static io.spillway.burst.messaging.SagaHarness.signal;
import static io.spillway.burst.messaging.SagaHarness.submitted;
import static io.spillway.burst.messaging.SagaHarness.traceId;
import static io.spillway.burst.messaging.SagaHarness.traced;
import static io.spillway.burst.messaging.SagaHarness.uniqueSite;
import static io.spillway.burst.messaging.SagaHarness.uploaded;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole saga against the real broker and database, the coordinator's neighbours played by the test: it sends
 * what storage agents, snapshot workers, schedulers and executors would, and checks what the coordinator publishes
 * and stores. A coordinator restart cannot be staged inside one Quarkus test; instead each step checks the stored
 * row, which is all a restarted coordinator loads.
 */
@QuarkusTest
@WithTestResource(PlatformTestResource.class)
class BurstSagaIT extends SagaTest {

    private static final Duration QUIET = Duration.ofSeconds(3);

    @Test
    void runsTheWholeBurstFromSignalToRelease() {
        String site = uniqueSite();
        String jobId = site + "-train";
        harness.events.send(TestEvents.cloudEvent(submitted(jobId, site,
                new VolumeMount("datasets", "imagenet", "/data", true),
                new VolumeMount("scratch", null, "/scratch", false))));
        await().atMost(TestEvents.TIMEOUT).until(() -> harness.knows(jobId));

        harness.send(signal(site, new BurstCandidate(jobId, "vision", 2.0, List.of("datasets", "scratch"))));

        // Home: the read-only subpath on its own, first; the writable mount with its whole filesystem.
        List<SnapshotRequested> snapshots = harness.await(harness.snapshots, SnapshotRequested.class, 2,
                request -> request.site().equals(site));
        assertEquals(List.of("datasets/imagenet", "scratch"), snapshots.stream()
                .map(request -> request.path() == null ? request.filesystem()
                        : request.filesystem() + "/" + request.path())
                .sorted().toList());
        String burstId = snapshots.get(0).burstId();
        Map<String, Object> preparing = onlyBurstOf(site);
        assertEquals(burstId, preparing.get("burstId"));
        assertEquals("PREPARING", preparing.get("phase"));
        assertEquals("cloud", preparing.get("burstSite"));
        assertEquals("CHOSEN", job(preparing, jobId).get("state"));
        assertEquals("PREPARING", harness.stored(burstId).statePhase());

        // Uploaded: restore at the burst site; the subpath where it lives, so no priority paths.
        for (SnapshotRequested snapshot : snapshots) {
            harness.send(uploaded(snapshot, snapshot.filesystem().equals("datasets") ? 100 : 50));
        }
        List<RestoreRequested> restores = harness.await(harness.snapshots, RestoreRequested.class, 2,
                restore -> burstId.equals(restore.burstId()));
        for (RestoreRequested restore : restores) {
            assertEquals("cloud", restore.site());
            assertNull(restore.targetPath(), "the data goes to the filesystem's own place");
            assertEquals(List.of(), restore.priorityPaths());
        }

        // Restored: ready, and the job is rerouted.
        restores.forEach(restore -> harness.send(restored(restore)));
        ClusterBurstReady ready = harness.await(harness.bursts, ClusterBurstReady.class, 1,
                event -> burstId.equals(event.burstId())).get(0);
        assertEquals(List.of(jobId), ready.jobIds());
        assertEquals(site, ready.homeSite());
        JobRerouted rerouted = harness.await(harness.jobs, JobRerouted.class, 1,
                event -> burstId.equals(event.burstId())).get(0);
        assertEquals(new JobRerouted(jobId, site, "cloud", burstId, rerouted.answerBy()), rerouted);
        // The home site must answer by then (spillway.burst.timeouts.reroute), or decline.
        assertTrue(java.time.OffsetDateTime.parse(rerouted.answerBy()).toInstant().isAfter(java.time.Instant.now()));
        assertEquals("RUNNING", harness.stored(burstId).statePhase());
        assertEquals("REROUTED", job(burst(burstId), jobId).get("state"));

        // The home site hands it over: queued at cloud, its start deadline runs; the stored row moves on.
        long before = harness.stored(burstId).version();
        harness.send(new JobHandedOver(jobId, site, "cloud", burstId));
        await().atMost(Duration.ofSeconds(30)).until(() -> harness.stored(burstId).version() > before);
        assertEquals("REROUTED", job(burst(burstId), jobId).get("state"));

        // The job runs at cloud; its writable mount comes home, the read-only one does not.
        harness.send(new JobStarted(jobId, "cloud", "executor-cloud", "node-1"));
        harness.send(new JobCompleted(jobId, "cloud", 0, 60_000));
        SnapshotRequested results = harness.await(harness.snapshots, SnapshotRequested.class, 1,
                request -> burstId.equals(request.burstId()) && request.site().equals("cloud")).get(0);
        assertEquals("scratch", results.filesystem());
        assertEquals("SUCCEEDED", job(burst(burstId), jobId).get("state"));

        harness.send(uploaded(results, 7));
        RestoreRequested home = harness.await(harness.snapshots, RestoreRequested.class, 1,
                restore -> burstId.equals(restore.burstId()) && restore.site().equals(site)).get(0);
        assertEquals("scratch", home.filesystem());
        assertEquals(".spillway-bursts/" + burstId + "/" + jobId, home.targetPath());
        assertEquals(results.snapshotId(), snapshotOf(home.locator()));

        // Results home and queue drained: released with the totals.
        harness.send(restored(home));
        harness.send(new QueueDrained(site, 1, 2));
        ClusterBurstReleased released = harness.await(harness.bursts, ClusterBurstReleased.class, 1,
                event -> burstId.equals(event.burstId())).get(0);
        assertEquals(1, released.jobsRun());
        assertEquals(150, released.bytesToBurstSite());
        assertEquals(7, released.bytesToHomeSite());
        assertEquals(List.of(), released.resultsNotHome());
        assertTrue(released.phaseDurationsMs().keySet().containsAll(List.of("snapshot", "restore", "run",
                "results")), released.phaseDurationsMs().toString());

        SagaHarness.StoredRow stored = harness.stored(burstId);
        assertEquals("RELEASED", stored.phase());
        assertEquals("RELEASED", stored.statePhase());
        assertTrue(!stored.open());
        Map<String, Object> view = burst(burstId);
        assertEquals("HOME", job(view, jobId).get("results"));
        @SuppressWarnings("unchecked")
        Map<String, Object> totals = (Map<String, Object>) view.get("totals");
        assertEquals(150, ((Number) totals.get("bytesToBurstSite")).intValue());
        assertEquals(7, ((Number) totals.get("bytesToHomeSite")).intValue());
    }

    @Test
    void aFailedSnapshotFailsTheBurstAndNoJobEverMoves() {
        String site = uniqueSite();
        String jobId = site + "-job";
        harness.send(signal(site, candidate(jobId, "datasets", "scratch")));
        List<SnapshotRequested> snapshots = harness.await(harness.snapshots, SnapshotRequested.class, 2,
                request -> request.site().equals(site));
        String burstId = snapshots.get(0).burstId();

        SnapshotRequested failing = snapshots.get(0);
        harness.send(new SnapshotFailed(failing.snapshotId(), site, failing.filesystem(), "FILESYSTEM_NOT_FOUND: gone",
                burstId));
        BurstFailed failed = harness.await(harness.bursts, BurstFailed.class, 1,
                event -> burstId.equals(event.burstId())).get(0);
        assertEquals("snapshot", failed.step());
        assertTrue(failed.reason().contains("FILESYSTEM_NOT_FOUND"), failed.reason());

        // The other snapshot succeeding late changes nothing: no restore, no reroute.
        harness.send(uploaded(snapshots.get(1), 10));
        await().during(QUIET).atMost(QUIET.plusSeconds(5)).until(() -> cloudEvents(harness.jobs, JobRerouted.class,
                event -> burstId.equals(event.burstId())).isEmpty()
                && cloudEvents(harness.snapshots, RestoreRequested.class, event -> burstId.equals(event.burstId()))
                        .isEmpty());
        assertEquals("FAILED", harness.stored(burstId).statePhase());
        assertEquals("FAILED", onlyBurstOf(site).get("phase"));
    }

    @Test
    void aJobThatStartedAtHomeBeforeTheDataWasReadyIsNotRerouted() {
        String site = uniqueSite();
        String early = site + "-early";
        String waiting = site + "-waiting";
        harness.send(signal(site, candidate(early, "datasets"), candidate(waiting, "datasets")));
        SnapshotRequested snapshot = harness.await(harness.snapshots, SnapshotRequested.class, 1,
                request -> request.site().equals(site)).get(0);
        String burstId = snapshot.burstId();

        harness.send(new JobStarted(early, site, "executor-" + site, "node-1"));
        await().atMost(TestEvents.TIMEOUT).until(() -> "STAYED_HOME".equals(job(burst(burstId), early).get("state")));

        harness.send(uploaded(snapshot, 10));
        RestoreRequested restore = harness.await(harness.snapshots, RestoreRequested.class, 1,
                event -> burstId.equals(event.burstId())).get(0);
        harness.send(restored(restore));
        JobRerouted rerouted = harness.await(harness.jobs, JobRerouted.class, 1,
                event -> burstId.equals(event.burstId())).get(0);
        assertEquals(waiting, rerouted.jobId());
        await().during(QUIET).atMost(QUIET.plusSeconds(5)).until(() -> cloudEvents(harness.jobs, JobRerouted.class,
                event -> early.equals(event.jobId())).isEmpty());
        assertEquals(List.of(waiting), harness.await(harness.bursts, ClusterBurstReady.class, 1,
                event -> burstId.equals(event.burstId())).get(0).jobIds());
    }

    @Test
    void aJobThatStartedBeforeTheSignalThatStillListsItIsNotChosen() {
        String site = uniqueSite();
        String started = site + "-started";
        String waiting = site + "-waiting";
        // The scheduler listed both as waiting, but one started meanwhile and its start is consumed first.
        harness.send(new JobStarted(started, site, "executor-" + site, "node-1"));
        await().atMost(TestEvents.TIMEOUT).until(() -> pool.preparedQuery(
                "SELECT 1 FROM jobs_left_queue WHERE job_id = $1").execute(
                        io.vertx.mutiny.sqlclient.Tuple.of(
                                started))
                .await().indefinitely().size() == 1);

        harness.send(signal(site, candidate(started, "datasets"), candidate(waiting, "datasets")));
        SnapshotRequested snapshot = harness.await(harness.snapshots, SnapshotRequested.class, 1,
                request -> request.site().equals(site)).get(0);
        String burstId = snapshot.burstId();
        harness.send(uploaded(snapshot, 10));
        harness.send(restored(harness.await(harness.snapshots, RestoreRequested.class, 1,
                event -> burstId.equals(event.burstId())).get(0)));

        assertEquals(List.of(waiting), harness.await(harness.bursts, ClusterBurstReady.class, 1,
                event -> burstId.equals(event.burstId())).get(0).jobIds());
        await().during(QUIET).atMost(QUIET.plusSeconds(5)).until(() -> cloudEvents(harness.jobs, JobRerouted.class,
                event -> started.equals(event.jobId())).isEmpty());
    }

    @Test
    void aRerouteTheHomeSiteDeclinesLeavesTheJobHome() {
        String site = uniqueSite();
        String jobId = site + "-kept";
        harness.send(signal(site, candidate(jobId, "datasets")));
        SnapshotRequested snapshot = harness.await(harness.snapshots, SnapshotRequested.class, 1,
                request -> request.site().equals(site)).get(0);
        String burstId = snapshot.burstId();
        harness.send(uploaded(snapshot, 10));
        harness.send(restored(harness.await(harness.snapshots, RestoreRequested.class, 1,
                event -> burstId.equals(event.burstId())).get(0)));
        JobRerouted rerouted = harness.await(harness.jobs, JobRerouted.class, 1,
                event -> burstId.equals(event.burstId())).get(0);

        // Cancelled at home while the reroute travelled: the home scheduler keeps it and says so.
        harness.send(new JobRerouteDeclined(jobId, site, rerouted.toSite(), burstId, "cancelled at " + site));

        await().atMost(TestEvents.TIMEOUT).until(() -> "STAYED_HOME".equals(job(burst(burstId), jobId).get("state")));
        assertEquals("kept at " + site + ": cancelled at " + site, job(burst(burstId), jobId).get("note"));
    }

    @Test
    void everyEventDeliveredTwiceSendsNothingTwice() {
        String site = uniqueSite();
        String jobId = site + "-job";
        CloudEvent signal = TestEvents.cloudEvent(signal(site, candidate(jobId, "datasets")));
        harness.events.send(signal);
        harness.events.send(signal);
        SnapshotRequested snapshot = harness.await(harness.snapshots, SnapshotRequested.class, 1,
                request -> request.site().equals(site)).get(0);
        String burstId = snapshot.burstId();

        CloudEvent upload = TestEvents.cloudEvent(uploaded(snapshot, 10));
        harness.events.send(upload);
        harness.events.send(upload);
        RestoreRequested restore = harness.await(harness.snapshots, RestoreRequested.class, 1,
                event -> burstId.equals(event.burstId())).get(0);
        CloudEvent done = TestEvents.cloudEvent(restored(restore));
        harness.events.send(done);
        harness.events.send(done);
        harness.await(harness.jobs, JobRerouted.class, 1, event -> burstId.equals(event.burstId()));
        CloudEvent started = TestEvents.cloudEvent(new JobStarted(jobId, "cloud", "executor-cloud", "node-1"));
        harness.events.send(started);
        harness.events.send(started);
        await().atMost(TestEvents.TIMEOUT).until(() -> "RUNNING".equals(job(burst(burstId), jobId).get("state")));

        harness.awaitEverythingPublished();
        assertEquals(1, cloudEvents(harness.snapshots, SnapshotRequested.class,
                event -> burstId.equals(event.burstId())).size());
        assertEquals(1, cloudEvents(harness.snapshots, RestoreRequested.class,
                event -> burstId.equals(event.burstId())).size());
        assertEquals(1, cloudEvents(harness.bursts, ClusterBurstReady.class,
                event -> burstId.equals(event.burstId())).size());
        assertEquals(1, cloudEvents(harness.jobs, JobRerouted.class, event -> burstId.equals(event.burstId()))
                .size());
        assertEquals(1, ((Number) burst(burstId).get("signals")).intValue(), "the redelivered signal is not counted");
    }

    @Test
    void aSecondSignalExtendsTheOpenBurst() {
        String site = uniqueSite();
        harness.send(signal(site, candidate(site + "-first", "datasets")));
        SnapshotRequested snapshot = harness.await(harness.snapshots, SnapshotRequested.class, 1,
                request -> request.site().equals(site)).get(0);

        harness.send(signal(site, candidate(site + "-first", "datasets"), candidate(site + "-second", "datasets")));
        await().atMost(TestEvents.TIMEOUT).until(() -> ((Number) onlyBurstOf(site).get("signals")).intValue() == 2);
        Map<String, Object> extended = onlyBurstOf(site);
        assertEquals(snapshot.burstId(), extended.get("burstId"));
        assertEquals("CHOSEN", job(extended, site + "-second").get("state"));
        assertEquals(2, harness.stored(snapshot.burstId()).jobs());

        harness.awaitEverythingPublished();
        assertEquals(1, cloudEvents(harness.snapshots, SnapshotRequested.class,
                request -> request.site().equals(site)).size(), "datasets is snapshotted once for both jobs");
    }

    @Test
    void theJobsEventsContinueTheJobsTraceAndTheBurstsEventsTheSignals() {
        String site = uniqueSite();
        String jobId = site + "-traced";
        String jobTrace = SagaHarness.newTraceparent();
        String signalTrace = SagaHarness.newTraceparent();
        harness.events.send(traced(submitted(jobId, site, new VolumeMount("datasets", null, "/data", false)),
                jobTrace));
        await().atMost(TestEvents.TIMEOUT).until(() -> harness.knows(jobId));
        harness.events.send(traced(signal(site, candidate(jobId, "datasets")), signalTrace));

        SnapshotRequested snapshot = harness.await(harness.snapshots, SnapshotRequested.class, 1,
                request -> request.site().equals(site)).get(0);
        String burstId = snapshot.burstId();
        harness.send(uploaded(snapshot, 10));
        RestoreRequested restore = harness.await(harness.snapshots, RestoreRequested.class, 1,
                event -> burstId.equals(event.burstId())).get(0);
        harness.send(restored(restore));
        harness.await(harness.jobs, JobRerouted.class, 1, event -> burstId.equals(event.burstId()));
        harness.send(new JobStarted(jobId, "cloud", "executor-cloud", "node-1"));
        harness.send(new JobCompleted(jobId, "cloud", 0, 1000));
        harness.await(harness.snapshots, SnapshotRequested.class, 1,
                request -> burstId.equals(request.burstId()) && request.site().equals("cloud"));

        CloudEvent reroute = cloudEvents(harness.jobs, JobRerouted.class, event -> burstId.equals(event.burstId()))
                .get(0);
        assertEquals(traceId(jobTrace), traceId(reroute.traceparent()), "the reroute is in the job's trace");
        CloudEvent results = cloudEvents(harness.snapshots, SnapshotRequested.class,
                request -> burstId.equals(request.burstId()) && request.site().equals("cloud")).get(0);
        assertEquals(traceId(jobTrace), traceId(results.traceparent()), "its results snapshot too");
        CloudEvent dataSnapshot = cloudEvents(harness.snapshots, SnapshotRequested.class,
                request -> request.site().equals(site)).get(0);
        assertEquals(traceId(signalTrace), traceId(dataSnapshot.traceparent()), "burst events: the signal's trace");
        CloudEvent ready = cloudEvents(harness.bursts, ClusterBurstReady.class,
                event -> burstId.equals(event.burstId())).get(0);
        assertEquals(traceId(signalTrace), traceId(ready.traceparent()));
    }

    @Test
    void eventsOfNoBurstChangeNothing() {
        String site = uniqueSite();
        SnapshotRequested someoneElses = new SnapshotRequested(site + "-snap", site, "datasets", null, null);
        CloudEvent upload = TestEvents.cloudEvent(uploaded(someoneElses, 10));
        CloudEvent started = TestEvents.cloudEvent(new JobStarted(site + "-job", "cloud", "executor-cloud", "n1"));
        CloudEvent drained = TestEvents.cloudEvent(new QueueDrained(site, 0, 2));
        harness.events.send(upload);
        harness.events.send(started);
        harness.events.send(drained);

        await().atMost(TestEvents.TIMEOUT).until(() -> harness.consumed(upload) && harness.consumed(started)
                && harness.consumed(drained));
        harness.awaitEverythingPublished();
        assertEquals(List.of(), cloudEvents(harness.snapshots, RestoreRequested.class,
                restore -> restore.site().equals(site) || restore.locator().contains(site)));
        assertEquals(List.of(), SagaHarness.burstsOf(site));
    }

    /** The snapshot id in a test locator {@code snapshots/<fs>/<id>.json}. */
    private static String snapshotOf(String locator) {
        String name = locator.substring(locator.lastIndexOf('/') + 1);
        return name.substring(0, name.length() - ".json".length());
    }
}
