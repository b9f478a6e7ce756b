package io.spillway.burst.messaging;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.spillway.schemas.BurstCandidate;
import io.spillway.schemas.CloudEvent;
import io.spillway.schemas.JobEvent.JobSubmitted;
import io.spillway.schemas.JobSpec;
import io.spillway.schemas.QueueEvent.QueueThresholdExceeded;
import io.spillway.schemas.SpillwayEvent;
import io.spillway.schemas.StorageEvent.RestoreRequested;
import io.spillway.schemas.StorageEvent.SnapshotRequested;
import io.spillway.schemas.StorageEvent.SnapshotRestored;
import io.spillway.schemas.StorageEvent.SnapshotUploaded;
import io.spillway.schemas.Topics;
import io.spillway.schemas.VolumeMount;
import io.spillway.testing.TestEvents;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import static io.spillway.testing.ServiceCalls.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Plays the other services around the coordinator: sends what they would send on the real broker, watches what the
 * coordinator publishes, and reads the bursts back through the API and the database.
 */
final class SagaHarness implements AutoCloseable {

    final TestEvents events;
    final ConsumerTask<String, CloudEvent> snapshots;
    final ConsumerTask<String, CloudEvent> jobs;
    final ConsumerTask<String, CloudEvent> bursts;
    private final PgPool pool;

    SagaHarness(KafkaCompanion kafka, PgPool pool) {
        this.events = new TestEvents(kafka);
        this.snapshots = events.watch(Topics.SNAPSHOTS);
        this.jobs = events.watch(Topics.JOBS);
        this.bursts = events.watch(Topics.BURSTS);
        this.pool = pool;
    }

    @Override
    public void close() {
        snapshots.close();
        jobs.close();
        bursts.close();
    }

    /** A site name no earlier run used, since bursts of a site persist. */
    static String uniqueSite() {
        return "site-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static QueueThresholdExceeded signal(String site, BurstCandidate... candidates) {
        return new QueueThresholdExceeded(site, 12, 10, List.of(candidates));
    }

    static BurstCandidate candidate(String jobId, String... filesystems) {
        return new BurstCandidate(jobId, "vision", 1.0, List.of(filesystems));
    }

    static JobSubmitted submitted(String jobId, String site, VolumeMount... volumes) {
        return new JobSubmitted(jobId, site, new JobSpec("train", "vision", "img:1", List.of("train.sh"), 1.0, null,
                null, null, 1, null, List.of(volumes), Map.of(), null, true), "alice");
    }

    static CloudEvent traced(SpillwayEvent event, String traceparent) {
        return CloudEvent.of(CloudEvent.source("test", "it"), event, traceparent);
    }

    static String newTraceparent() {
        String hex = UUID.randomUUID().toString().replace("-", "") + UUID.randomUUID().toString().replace("-", "");
        return "00-" + hex.substring(0, 32) + "-" + hex.substring(32, 48) + "-01";
    }

    static String traceId(String traceparent) {
        return traceparent == null ? null : traceparent.split("-")[1];
    }

    void send(SpillwayEvent event) {
        events.send(TestEvents.cloudEvent(event));
    }

    static SnapshotUploaded uploaded(SnapshotRequested request, long bytes) {
        return new SnapshotUploaded(request.snapshotId(), request.site(), request.filesystem(),
                "snapshots/" + request.filesystem() + "/" + request.snapshotId() + ".json", bytes, bytes, 1, 0, 5,
                request.burstId());
    }

    static SnapshotRestored restored(RestoreRequested request) {
        return new SnapshotRestored(request.restoreId(), request.locator(), request.site(), request.filesystem(), 3,
                30, 7, request.burstId());
    }

    /** Waits for at least {@code count} events of {@code type} on the watched topic that match. */
    <E extends SpillwayEvent> List<E> await(ConsumerTask<String, CloudEvent> task, Class<E> type, int count,
            Predicate<E> filter) {
        return org.awaitility.Awaitility.await().atMost(TestEvents.TIMEOUT)
                .until(() -> TestEvents.seen(task, type, filter), found -> found.size() >= count);
    }

    /** The CloudEvents (with their traceparent) of {@code type} seen so far that match. */
    static <E extends SpillwayEvent> List<CloudEvent> cloudEvents(ConsumerTask<String, CloudEvent> task,
            Class<E> type, Predicate<E> filter) {
        return task.getRecords().stream().map(ConsumerRecord::value).filter(Objects::nonNull)
                .filter(event -> type.isInstance(event.data()) && filter.test(type.cast(event.data()))).toList();
    }

    /** Waits until the outbox is empty and every event it held has been read back from the topics. */
    void awaitEverythingPublished() {
        org.awaitility.Awaitility.await().atMost(TestEvents.TIMEOUT)
                .until(() -> pool.query("SELECT count(*) AS n FROM outbox").execute()
                        .map(rows -> rows.iterator().next().getLong("n")).await().indefinitely() == 0);
        events.awaitCaughtUp(snapshots, Topics.SNAPSHOTS);
        events.awaitCaughtUp(jobs, Topics.JOBS);
        events.awaitCaughtUp(bursts, Topics.BURSTS);
    }

    /** Whether JobSubmitted for the job is stored, so a signal naming it will find its volumes. */
    boolean knows(String jobId) {
        return pool.preparedQuery("SELECT count(*) AS n FROM known_jobs WHERE job_id = $1").execute(Tuple.of(jobId))
                .map(rows -> rows.iterator().next().getLong("n")).await().indefinitely() == 1;
    }

    /** Whether the coordinator has consumed the event (its inbox holds the event's id). */
    boolean consumed(CloudEvent event) {
        return pool.preparedQuery("SELECT count(*) AS n FROM inbox WHERE ce_id = $1").execute(Tuple.of(event.id()))
                .map(rows -> rows.iterator().next().getLong("n")).await().indefinitely() == 1;
    }

    /** The burst's row as a restarted coordinator would load it: the phase column and the stored state's phase. */
    StoredRow stored(String burstId) {
        Row row = pool.preparedQuery("SELECT phase, open, state->>'phase' AS state_phase,"
                + " jsonb_array_length(state->'jobs') AS jobs, version FROM bursts WHERE burst_id = $1")
                .execute(Tuple.of(burstId)).await().indefinitely().iterator().next();
        return new StoredRow(row.getString("phase"), row.getBoolean("open"), row.getString("state_phase"),
                row.getInteger("jobs"), row.getLong("version"));
    }

    record StoredRow(String phase, boolean open, String statePhase, int jobs, long version) {
    }

    static List<Map<String, Object>> burstsOf(String site) {
        return given().queryParam("site", site).get("/api/v1/bursts").then().statusCode(200).extract().jsonPath()
                .getList("$");
    }

    static Map<String, Object> onlyBurstOf(String site) {
        List<Map<String, Object>> found = burstsOf(site);
        assertEquals(1, found.size(), "one burst for " + site + ": " + found);
        return found.get(0);
    }

    static Map<String, Object> burst(String burstId) {
        return given().get("/api/v1/bursts/{id}", burstId).then().statusCode(200).extract().jsonPath().getMap("$");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> job(Map<String, Object> burst, String jobId) {
        return ((List<Map<String, Object>>) burst.get("jobs")).stream().filter(job -> jobId.equals(job.get("jobId")))
                .findFirst().orElseThrow(() -> new AssertionError("no job " + jobId + " in " + burst));
    }
}
