package io.spillway.burst.messaging;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.spillway.schemas.BurstCandidate;
import io.spillway.schemas.CloudEvent;
import io.spillway.schemas.QueueEvent.QueueThresholdExceeded;
import io.spillway.schemas.StorageEvent.SnapshotFailed;
import io.spillway.schemas.StorageEvent.SnapshotRequested;
import io.spillway.schemas.StorageEvent.SnapshotUploaded;
import io.spillway.schemas.Topics;
import io.spillway.testing.PlatformTestResource;
import io.spillway.testing.TestEvents;
import io.vertx.mutiny.pgclient.PgPool;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@WithTestResource(PlatformTestResource.class)
class BurstSagaIT {

    @InjectKafkaCompanion
    KafkaCompanion kafka;

    @Inject
    PgPool pool;

    private TestEvents events;
    private ConsumerTask<String, CloudEvent> snapshots;

    @BeforeEach
    void watchRequests() {
        events = new TestEvents(kafka);
        snapshots = events.watch(Topics.SNAPSHOTS);
    }

    @AfterEach
    void stopWatching() {
        snapshots.close();
    }

    @Test
    void opensABurstThatRequestsOneSnapshotPerDistinctFilesystem() {
        String site = uniqueSite();

        events.send(TestEvents.cloudEvent(signal(site, candidate("job-1", "datasets"),
                candidate("job-2", "datasets", "results"), candidate("job-3", "results"))));

        List<SnapshotRequested> requests = awaitRequests(site, 2);
        BurstView burst = onlyBurstOf(site);
        assertEquals("SNAPSHOTTING", burst.state());
        assertEquals("cloud", burst.burstSite());
        assertEquals(List.of("job-1", "job-2", "job-3"), burst.candidateJobIds());
        assertEquals(List.of("datasets", "results"), burst.filesystems());
        assertEquals(Set.of("datasets", "results"),
                requests.stream().map(SnapshotRequested::filesystem).collect(Collectors.toSet()));
        for (SnapshotRequested request : requests) {
            assertEquals(burst.burstId(), request.burstId());
            assertNull(request.path(), "the whole filesystem");
        }
        assertEquals(2, requests.stream().map(SnapshotRequested::snapshotId).distinct().count());

        awaitEverythingPublished();
        assertEquals(2, requestsFor(site).size(), "exactly one request per filesystem");
    }

    @Test
    void aSecondSignalForTheSameSiteOpensNoSecondBurstAndARedeliveryChangesNothing() {
        String site = uniqueSite();
        CloudEvent first = TestEvents.cloudEvent(signal(site, candidate("job-1", "datasets"),
                candidate("job-2", "results")));
        events.send(first);
        awaitRequests(site, 2);

        events.send(first);
        events.send(TestEvents.cloudEvent(signal(site, candidate("job-2", "results"), candidate("job-5", "datasets"))));

        // Keyed by site, so in order: once job-5 is noted, the redelivery before it has been handled too.
        await().atMost(TestEvents.TIMEOUT).until(() -> onlyBurstOf(site).candidateJobIds().contains("job-5"));
        BurstView burst = onlyBurstOf(site);
        assertEquals(2, burst.signals(), "the redelivered signal is not counted again");
        assertEquals(List.of("job-1", "job-2", "job-5"), burst.candidateJobIds());
        awaitEverythingPublished();
        assertEquals(2, requestsFor(site).size(), "no snapshot requested again");
    }

    @Test
    void recordsUploadedSnapshotsAgainstTheBurstUntilAllAreUploaded() {
        String site = uniqueSite();
        events.send(TestEvents.cloudEvent(signal(site, candidate("job-1", "datasets", "results"))));
        List<SnapshotRequested> requests = awaitRequests(site, 2);

        for (SnapshotRequested request : requests) {
            events.send(TestEvents.cloudEvent(uploaded(request)));
        }

        await().atMost(TestEvents.TIMEOUT).until(() -> onlyBurstOf(site).state().equals("SNAPSHOTTED"));
        BurstView burst = onlyBurstOf(site);
        assertEquals(2, burst.snapshots().size());
        for (Map<String, Object> snapshot : burst.snapshots()) {
            assertEquals("UPLOADED", snapshot.get("state"));
            assertEquals("snapshots/" + snapshot.get("filesystem") + "/" + snapshot.get("snapshotId") + ".json",
                    snapshot.get("locator"));
        }
    }

    @Test
    void failsTheBurstWhenASnapshotFailsAndOpensANewOneOnTheNextSignal() {
        String site = uniqueSite();
        events.send(TestEvents.cloudEvent(signal(site, candidate("job-1", "datasets"))));
        SnapshotRequested request = awaitRequests(site, 1).get(0);

        events.send(TestEvents.cloudEvent(new SnapshotFailed(request.snapshotId(), site, request.filesystem(),
                "FILESYSTEM_NOT_FOUND: gone", request.burstId())));
        await().atMost(TestEvents.TIMEOUT).until(() -> onlyBurstOf(site).state().equals("FAILED"));
        assertTrue(onlyBurstOf(site).failureReason().contains("FILESYSTEM_NOT_FOUND"));

        events.send(TestEvents.cloudEvent(signal(site, candidate("job-1", "datasets"))));
        List<SnapshotRequested> again = awaitRequests(site, 2);
        assertEquals(2, bursts(site).size());
        assertNotNull(again.get(1).burstId());
        assertTrue(!again.get(1).burstId().equals(request.burstId()), "a new burst");
    }

    private List<SnapshotRequested> awaitRequests(String site, int count) {
        return await().atMost(TestEvents.TIMEOUT).until(() -> requestsFor(site), found -> found.size() >= count);
    }

    private List<SnapshotRequested> requestsFor(String site) {
        return TestEvents.seen(snapshots, SnapshotRequested.class, request -> request.site().equals(site));
    }

    /** Waits until the outbox is empty and every event it held has been read back from the topic. */
    private void awaitEverythingPublished() {
        await().atMost(TestEvents.TIMEOUT).until(() -> pool.query("SELECT count(*) AS n FROM outbox").execute()
                .map(rows -> rows.iterator().next().getLong("n")).await().indefinitely() == 0);
        events.awaitCaughtUp(snapshots, Topics.SNAPSHOTS);
    }

    private static List<BurstView> bursts(String site) {
        List<Map<String, Object>> bursts = given().queryParam("site", site).get("/api/v1/bursts").then()
                .statusCode(200).extract().jsonPath().getList("$");
        return bursts.stream().map(BurstView::of).toList();
    }

    private static BurstView onlyBurstOf(String site) {
        List<BurstView> bursts = bursts(site);
        assertEquals(1, bursts.size(), "one burst for " + site + ": " + bursts);
        return bursts.get(0);
    }

    private static QueueThresholdExceeded signal(String site, BurstCandidate... candidates) {
        return new QueueThresholdExceeded(site, 12, 10, List.of(candidates));
    }

    private static BurstCandidate candidate(String jobId, String... filesystems) {
        return new BurstCandidate(jobId, "vision", 1.0, List.of(filesystems));
    }

    private static SnapshotUploaded uploaded(SnapshotRequested request) {
        return new SnapshotUploaded(request.snapshotId(), request.site(), request.filesystem(),
                "snapshots/" + request.filesystem() + "/" + request.snapshotId() + ".json", 10, 10, 1, 0, 5,
                request.burstId());
    }

    /** A burst as GET /api/v1/bursts shows it. */
    @SuppressWarnings("unchecked")
    record BurstView(String burstId, String burstSite, String state, List<String> candidateJobIds,
            List<String> filesystems, int signals, String failureReason, List<Map<String, Object>> snapshots) {

        static BurstView of(Map<String, Object> json) {
            return new BurstView((String) json.get("burstId"), (String) json.get("burstSite"),
                    (String) json.get("state"), (List<String>) json.get("candidateJobIds"),
                    (List<String>) json.get("filesystems"), ((Number) json.get("signals")).intValue(),
                    (String) json.get("failureReason"), (List<Map<String, Object>>) json.get("snapshots"));
        }
    }

    /** A site name no earlier run used, since bursts of a site persist. */
    private static String uniqueSite() {
        return "site-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
