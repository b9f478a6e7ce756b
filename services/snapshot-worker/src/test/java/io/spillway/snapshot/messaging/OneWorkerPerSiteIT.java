package io.spillway.snapshot.messaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.spillway.schemas.CloudEvent;
import io.spillway.schemas.CloudEventHeaders;
import io.spillway.schemas.StorageEvent;
import io.spillway.schemas.StorageEvent.FilesystemReady;
import io.spillway.schemas.StorageEvent.RestoreFailed;
import io.spillway.schemas.StorageEvent.RestoreProgress;
import io.spillway.schemas.StorageEvent.RestoreRequested;
import io.spillway.schemas.StorageEvent.SnapshotCreated;
import io.spillway.schemas.StorageEvent.SnapshotDeleteRequested;
import io.spillway.schemas.StorageEvent.SnapshotDeleted;
import io.spillway.schemas.StorageEvent.SnapshotFailed;
import io.spillway.schemas.StorageEvent.SnapshotProgress;
import io.spillway.schemas.StorageEvent.SnapshotRequested;
import io.spillway.schemas.StorageEvent.SnapshotRestored;
import io.spillway.schemas.StorageEvent.SnapshotUploaded;
import io.spillway.schemas.Topics;
import io.spillway.snapshot.config.SnapshotWorkerConfig;
import io.spillway.snapshot.domain.ServedSites;
import io.spillway.snapshot.persistence.SnapshotCatalogue;
import io.spillway.testing.PlatformTestResource;
import io.spillway.testing.TestEvents;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Tuple;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker started for {@code cloud} alone, beside filesystems of both sites, against the real broker, database and
 * s3proxy: {@code onprem}'s requests are left alone (no answer, no catalogue or inbox row, nothing read or written,
 * nothing dead-lettered), its own are done. Each test sends the other site's request first and its own second on the
 * same key, so once its own is answered the other one has been consumed too.
 */
@QuarkusTest
@TestProfile(OneWorkerPerSiteIT.CloudOnly.class)
@WithTestResource(PlatformTestResource.class)
class OneWorkerPerSiteIT {

    /** Unique per run: the bucket outlives the database, which every run starts empty. */
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String ONPREM_POLICY = "it-0-onprem";
    static final String CLOUD_POLICY = "it-1-cloud";
    private static final String DLQ = "spillway.dlq.snapshot-worker";

    /** The cloud site's worker, with a periodic policy of each site (onprem's sorts first, so it runs first). */
    public static class CloudOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("spillway.site", "cloud",
                    "spillway.snapshot.serves", "cloud",
                    "spillway.snapshot.policies." + ONPREM_POLICY + ".site", "onprem",
                    "spillway.snapshot.policies." + ONPREM_POLICY + ".filesystem", "periodic-onprem-" + RUN,
                    "spillway.snapshot.policies." + ONPREM_POLICY + ".every", "1s",
                    "spillway.snapshot.policies." + CLOUD_POLICY + ".site", "cloud",
                    "spillway.snapshot.policies." + CLOUD_POLICY + ".filesystem", "periodic-cloud-" + RUN,
                    "spillway.snapshot.policies." + CLOUD_POLICY + ".every", "1s");
        }
    }

    @InjectKafkaCompanion
    KafkaCompanion kafka;

    @Inject
    S3Client s3;

    @Inject
    SnapshotWorkerConfig.Snapshot config;

    @Inject
    SnapshotWorkerConfig.S3 store;

    @Inject
    SnapshotCatalogue catalogue;

    @Inject
    ServedSites served;

    @Inject
    PgPool pool;

    private TestEvents events;
    private ConsumerTask<String, CloudEvent> snapshots;

    @BeforeEach
    void watchAnswers() throws IOException {
        assertEquals(Set.of("cloud"), served.sites(), "the profile starts a worker for cloud alone");
        events = new TestEvents(kafka);
        snapshots = events.watch(Topics.SNAPSHOTS);
        Files.createDirectories(root("cloud").resolve("periodic-cloud-" + RUN));
    }

    @AfterEach
    void stopWatching() {
        snapshots.close();
    }

    @Test
    void leavesASnapshotOfAnotherSitesFilesystemToThatSitesWorkerAndTakesItsOwn() throws IOException {
        String filesystem = unique("datasets");
        fill("onprem", filesystem);
        fill("cloud", filesystem);
        CloudEvent onprem = TestEvents.cloudEvent(new SnapshotRequested(UUID.randomUUID().toString(), "onprem",
                filesystem, null, null));
        String onpremId = ((SnapshotRequested) onprem.data()).snapshotId();
        String cloudId = UUID.randomUUID().toString();

        events.send(onprem);
        events.send(TestEvents.cloudEvent(new SnapshotRequested(cloudId, "cloud", filesystem, null, null)));

        SnapshotUploaded uploaded = await().atMost(TestEvents.TIMEOUT).until(() -> TestEvents.first(snapshots,
                SnapshotUploaded.class, e -> e.snapshotId().equals(cloudId)), Optional::isPresent).orElseThrow();
        assertEquals("cloud", uploaded.site());
        for (Class<? extends StorageEvent> answer : List.of(SnapshotCreated.class, SnapshotUploaded.class,
                SnapshotFailed.class, SnapshotProgress.class)) {
            assertTrue(TestEvents.seen(snapshots, answer, e -> onpremId.equals(snapshotIdOf(e))).isEmpty(),
                    answer.getSimpleName() + " for onprem's snapshot, which is not this worker's");
        }
        assertEquals(Optional.empty(), join(catalogue.findState(onpremId)), "no catalogue row for it");
        assertThrows(NoSuchKeyException.class, () -> s3.getObjectAsBytes(r -> r.bucket(store.bucket())
                .key("snapshots/" + filesystem + "/" + onpremId + ".json")), "no manifest written for it");
        assertLeftForItsOwnWorker(onprem);
    }

    @Test
    void leavesARestoreIntoAnotherSiteToThatSitesWorkerAndRestoresIntoItsOwn() throws IOException {
        String filesystem = unique("restored");
        fill("cloud", filesystem);
        String snapshotId = UUID.randomUUID().toString();
        events.send(TestEvents.cloudEvent(new SnapshotRequested(snapshotId, "cloud", filesystem, null, null)));
        String locator = await().atMost(TestEvents.TIMEOUT).until(() -> TestEvents.first(snapshots,
                SnapshotUploaded.class, e -> e.snapshotId().equals(snapshotId)), Optional::isPresent).orElseThrow()
                .locator();
        CloudEvent onprem = TestEvents.cloudEvent(new RestoreRequested("restore-" + UUID.randomUUID(), locator,
                "onprem", filesystem, List.of("data"), null));
        String onpremId = ((RestoreRequested) onprem.data()).restoreId();
        String cloudId = "restore-" + UUID.randomUUID();

        events.send(onprem);
        events.send(TestEvents.cloudEvent(new RestoreRequested(cloudId, locator, "cloud", filesystem, List.of(),
                null, ".spillway-bursts/" + cloudId)));

        SnapshotRestored restored = await().atMost(TestEvents.TIMEOUT).until(() -> TestEvents.first(snapshots,
                SnapshotRestored.class, e -> e.restoreId().equals(cloudId)), Optional::isPresent).orElseThrow();
        assertEquals("cloud", restored.site());
        assertTrue(Files.isRegularFile(root("cloud").resolve(filesystem).resolve(".spillway-bursts/" + cloudId)
                .resolve("data/shard-0.bin")));
        for (Class<? extends StorageEvent> answer : List.of(SnapshotRestored.class, RestoreFailed.class,
                RestoreProgress.class)) {
            assertTrue(TestEvents.seen(snapshots, answer, e -> onpremId.equals(restoreIdOf(e))).isEmpty(),
                    answer.getSimpleName() + " for the restore into onprem, which is not this worker's");
        }
        assertTrue(TestEvents.seen(snapshots, FilesystemReady.class, e -> e.requestId().equals(onpremId)).isEmpty(),
                "FilesystemReady for the restore into onprem");
        assertFalse(Files.exists(root("onprem").resolve(filesystem)), "nothing written at onprem");
        assertLeftForItsOwnWorker(onprem);
    }

    @Test
    void leavesTheDeleteOfAnotherSitesSnapshotToThatSitesWorkerAndDeletesItsOwn() throws IOException {
        String filesystem = unique("trimmed");
        fill("cloud", filesystem);
        String cloudId = UUID.randomUUID().toString();
        events.send(TestEvents.cloudEvent(new SnapshotRequested(cloudId, "cloud", filesystem, null, null)));
        await().atMost(TestEvents.TIMEOUT).until(() -> TestEvents.first(snapshots, SnapshotUploaded.class,
                e -> e.snapshotId().equals(cloudId)), Optional::isPresent);
        // A snapshot onprem's worker took, as it records it in the one catalogue both workers share.
        String onpremId = UUID.randomUUID().toString();
        join(pool.preparedQuery("INSERT INTO snapshots (snapshot_id, site, filesystem, state, locator, files, bytes,"
                + " bytes_scanned, bytes_uploaded, chunks_new, chunks_reused, duration_ms)"
                + " VALUES ($1, 'onprem', $2, 'UPLOADED', $3, 1, 1, 1, 1, 1, 0, 1)")
                .execute(Tuple.of(onpremId, filesystem, "snapshots/" + filesystem + "/" + onpremId + ".json")));
        CloudEvent onprem = TestEvents.cloudEvent(new SnapshotDeleteRequested(onpremId, filesystem, "it"));

        events.send(onprem);
        events.send(TestEvents.cloudEvent(new SnapshotDeleteRequested(cloudId, filesystem, "it")));

        await().atMost(TestEvents.TIMEOUT).until(() -> TestEvents.first(snapshots, SnapshotDeleted.class,
                e -> e.snapshotId().equals(cloudId)), Optional::isPresent);
        assertTrue(TestEvents.seen(snapshots, SnapshotDeleted.class, e -> e.snapshotId().equals(onpremId)).isEmpty(),
                "onprem's snapshot is not announced deleted by the cloud worker");
        assertEquals(Optional.of("UPLOADED"), join(catalogue.findState(onpremId)), "its row is untouched");
        assertLeftForItsOwnWorker(onprem);
    }

    @Test
    void runsOnlyThePoliciesOfTheSiteItServes() {
        // Two periodic requests of cloud's policy: rounds a second apart, each running onprem's policy first.
        await().atMost(TestEvents.TIMEOUT).until(() -> TestEvents.seen(snapshots, SnapshotRequested.class,
                e -> e.snapshotId().startsWith("sched-" + CLOUD_POLICY + "-")).stream()
                .map(SnapshotRequested::snapshotId).distinct().count() >= 2);
        events.awaitCaughtUp(snapshots, Topics.SNAPSHOTS);

        assertTrue(TestEvents.seen(snapshots, SnapshotRequested.class,
                e -> e.snapshotId().startsWith("sched-" + ONPREM_POLICY + "-")).isEmpty(),
                "onprem's policy is onprem's worker's to run");
        Map<String, Long> scheduled = join(pool.query("SELECT policy, count(*) AS n FROM scheduled_snapshots"
                + " GROUP BY policy").execute()).stream()
                .collect(Collectors.toMap(row -> row.getString("policy"), row -> row.getLong("n")));
        assertFalse(scheduled.containsKey(ONPREM_POLICY), scheduled.toString());
        assertTrue(scheduled.getOrDefault(CLOUD_POLICY, 0L) >= 2, scheduled.toString());
    }

    /** Acknowledged and no more: not claimed in the shared inbox (its own worker still takes it), not dead-lettered. */
    private void assertLeftForItsOwnWorker(CloudEvent request) {
        assertFalse(join(catalogue.alreadyApplied(request.id())), "not claimed in the shared inbox");
        try (ConsumerTask<String, CloudEvent> deadLetters = events.watch(DLQ)) {
            events.awaitCaughtUp(deadLetters, DLQ);
            assertTrue(deadLetters.getRecords().stream().noneMatch(record -> request.id().equals(ceId(record))),
                    "not dead-lettered");
        }
    }

    private void fill(String site, String filesystem) throws IOException {
        Path directory = Files.createDirectories(root(site).resolve(filesystem).resolve("data"));
        Files.writeString(directory.resolve("shard-0.bin"), site + " " + filesystem, StandardCharsets.UTF_8);
    }

    private Path root(String site) {
        return config.sites().get(site).root().toAbsolutePath();
    }

    private static String snapshotIdOf(StorageEvent event) {
        if (event instanceof SnapshotCreated e) {
            return e.snapshotId();
        }
        if (event instanceof SnapshotUploaded e) {
            return e.snapshotId();
        }
        if (event instanceof SnapshotFailed e) {
            return e.snapshotId();
        }
        return event instanceof SnapshotProgress e ? e.snapshotId() : null;
    }

    private static String restoreIdOf(StorageEvent event) {
        if (event instanceof SnapshotRestored e) {
            return e.restoreId();
        }
        if (event instanceof RestoreFailed e) {
            return e.restoreId();
        }
        return event instanceof RestoreProgress e ? e.restoreId() : null;
    }

    private static String ceId(ConsumerRecord<String, CloudEvent> record) {
        Header id = record.headers().lastHeader(CloudEventHeaders.ID);
        return id == null ? null : new String(id.value(), StandardCharsets.UTF_8);
    }

    private static <T> T join(Uni<T> uni) {
        return uni.await().atMost(Duration.ofSeconds(30));
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
