package io.spillway.snapshot.retention;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.spillway.schemas.StorageEvent.SnapshotDeleteRequested;
import io.spillway.schemas.StorageEvent.SnapshotDeleted;
import io.spillway.schemas.StorageEvent.SnapshotRequested;
import io.spillway.schemas.StorageEvent.SnapshotUploaded;
import io.spillway.schemas.Topics;
import io.spillway.snapshot.api.OwnBucketPlatform;
import io.spillway.snapshot.config.SnapshotWorkerConfig;
import io.spillway.snapshot.domain.EntryType;
import io.spillway.snapshot.domain.Manifest;
import io.spillway.snapshot.domain.ManifestEntry;
import io.spillway.snapshot.domain.SnapshotLayout;
import io.spillway.snapshot.posix.SnapshotRestorer;
import io.spillway.snapshot.s3.S3SnapshotStore;
import io.spillway.testing.ServiceCalls;
import io.spillway.testing.TestEvents;
import io.spillway.testing.TopicWatchingTest;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Garbage collection raced against snapshots for real, in a bucket of its own: every round deletes the latest
 * snapshot and at once takes the next one of the same tree (one file rewritten), so the new snapshot names chunks
 * only the deleted one named a moment ago (through its parent's entries or the index) while collections are asked for
 * every 40 ms and one is due at once after the deletion (grace 0 in tests: the lease alone protects the snapshot).
 * Each new snapshot must restore byte for byte, and a check reading every pack must find nothing damaged.
 */
@QuarkusTest
@TestProfile(SnapshotGcRaceIT.SmallPacks.class)
@WithTestResource(value = OwnBucketPlatform.class, initArgs = @ResourceArg(name = "bucket", value = "gc-race"))
class SnapshotGcRaceIT extends TopicWatchingTest {

    SnapshotGcRaceIT() {
        super(Topics.SNAPSHOTS);
    }

    /** Packs of 1 MiB, so a collection deletes some packs and rewrites others rather than keeping one big pack. */
    public static class SmallPacks implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("spillway.snapshot.pack-size-mib", "1");
        }
    }

    private static final int ROUNDS = 6;
    private static final int FILES = 6;
    private static final int MIB = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    S3SnapshotStore store;

    @Inject
    SnapshotRestorer restorer;

    @Inject
    StoreLeases leases;

    @Inject
    SnapshotWorkerConfig.Snapshot config;

    @TestHTTPResource("/api/v1/snapshots/gc")
    URI gcEndpoint;

    @TestHTTPResource("/api/v1/snapshots/check")
    URI checkEndpoint;

    @Test
    void collectionsRacingSnapshotsNeverDeleteAChunkTheyNameAndEverySnapshotRestoresByteForByte() throws Exception {
        String filesystem = "race-" + UUID.randomUUID().toString().substring(0, 8);
        Path directory = Files.createDirectories(config.sites().get("onprem").root().toAbsolutePath()
                .resolve(filesystem));
        Random random = new Random();
        for (int file = 0; file < FILES; file++) {
            Files.write(directory.resolve("part-" + file + ".bin"), bytes(random, MIB + random.nextInt(MIB)));
        }
        String previous = snapshot(filesystem);

        AtomicInteger collections = new AtomicInteger();
        AtomicLong chunksCollected = new AtomicLong();
        AtomicInteger refused = new AtomicInteger();
        ScheduledExecutorService collector = Executors.newSingleThreadScheduledExecutor();
        collector.scheduleWithFixedDelay(() -> {
            try {
                HttpResponse<String> answer = post(gcEndpoint, "");
                if (answer.statusCode() == 200) {
                    collections.incrementAndGet();
                    chunksCollected.addAndGet(JSON.readTree(answer.body()).path("chunksDeleted").asLong());
                } else {
                    refused.incrementAndGet();
                }
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, 0, 40, TimeUnit.MILLISECONDS);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                // The rewritten file's old chunks become garbage with the deleted snapshot; the others' stay named.
                Files.write(directory.resolve("part-" + (round % FILES) + ".bin"), bytes(random, MIB
                        + random.nextInt(MIB)));
                String next = UUID.randomUUID().toString();
                events.send(TestEvents.cloudEvent(new SnapshotDeleteRequested(previous, filesystem, "race")));
                events.send(TestEvents.cloudEvent(new SnapshotRequested(next, "onprem", filesystem, null, null)));
                awaitUploaded(next);
                awaitDeleted(previous);

                assertRestoresByteForByte(filesystem, next, directory, round);
                previous = next;
            }
            await().atMost(TestEvents.TIMEOUT).until(() -> collections.get() > 0 && chunksCollected.get() > 0);

            // Checked while collections are still asked for: the check's lease keeps them out meanwhile.
            JsonNode report = JSON.readTree(post(checkEndpoint, "{\"readData\": true}").body());
            assertTrue(report.path("ok").asBoolean(), report::toPrettyString);
            assertTrue(report.path("manifestsChecked").asLong() >= 1, report::toPrettyString);
        } finally {
            collector.shutdownNow();
            collector.awaitTermination(30, TimeUnit.SECONDS);
        }
        assertTrue(refused.get() > 0, "some collections found a snapshot holding the store");
        assertRestoresByteForByte(filesystem, previous, directory, ROUNDS);
    }

    /** Restores under a shared lease, as a restore request runs, and compares every file with the source. */
    private void assertRestoresByteForByte(String filesystem, String snapshotId, Path source, int round)
            throws IOException {
        String locator = SnapshotLayout.manifestKey(filesystem, snapshotId);
        Manifest manifest = store.get(locator).orElseThrow();
        Path target = Files.createDirectories(Path.of("target", "gc-race-restores", filesystem, "round-" + round));
        leases.withShared("restore it-" + snapshotId, locator, () -> Uni.createFrom().item(() -> restorer.restore(
                new SnapshotRestorer.Request("it-" + snapshotId, manifest, target, List.of())))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                .await().atMost(Duration.ofMinutes(2));
        List<String> files = new ArrayList<>();
        for (ManifestEntry entry : manifest.entries()) {
            if (entry.type() == EntryType.FILE) {
                files.add(entry.path());
                assertArrayEquals(Files.readAllBytes(source.resolve(entry.path())),
                        Files.readAllBytes(target.resolve(entry.path())), entry.path() + " of " + snapshotId);
            }
        }
        assertEquals(FILES, files.size(), files::toString);
    }

    private String snapshot(String filesystem) {
        String snapshotId = UUID.randomUUID().toString();
        events.send(TestEvents.cloudEvent(new SnapshotRequested(snapshotId, "onprem", filesystem, null, null)));
        awaitUploaded(snapshotId);
        return snapshotId;
    }

    private void awaitUploaded(String snapshotId) {
        await().atMost(TestEvents.TIMEOUT).until(() -> TestEvents.first(answers, SnapshotUploaded.class,
                e -> e.snapshotId().equals(snapshotId)), Optional::isPresent);
    }

    private void awaitDeleted(String snapshotId) {
        await().atMost(TestEvents.TIMEOUT).until(() -> TestEvents.first(answers, SnapshotDeleted.class,
                e -> e.snapshotId().equals(snapshotId)), Optional::isPresent);
    }

    private static HttpResponse<String> post(URI endpoint, String body) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + ServiceCalls.TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] bytes(Random random, int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }
}
