package io.spillway.snapshot.retention;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.spillway.schemas.CloudEvent;
import io.spillway.schemas.StorageEvent.SnapshotDeleteRequested;
import io.spillway.schemas.StorageEvent.SnapshotDeleted;
import io.spillway.schemas.StorageEvent.SnapshotRequested;
import io.spillway.schemas.StorageEvent.SnapshotUploaded;
import io.spillway.schemas.Topics;
import io.spillway.snapshot.config.SnapshotWorkerConfig;
import io.spillway.snapshot.domain.EntryType;
import io.spillway.snapshot.domain.Manifest;
import io.spillway.snapshot.domain.ManifestEntry;
import io.spillway.snapshot.domain.RestoreIndex;
import io.spillway.snapshot.persistence.SnapshotCatalogue;
import io.spillway.snapshot.posix.SnapshotRestorer;
import io.spillway.snapshot.s3.S3SnapshotStore;
import io.spillway.testing.PlatformTestResource;
import io.spillway.testing.ServiceCalls;
import io.spillway.testing.TestEvents;
import io.spillway.testing.TopicWatchingTest;
import software.amazon.awssdk.services.s3.S3Client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retention, periodic snapshots, deletes and garbage collection against the real broker, database and s3proxy. One
 * policy snapshots its own filesystem every second and keeps the last 2; the other tests use filesystems of their own
 * while it runs, and garbage collection runs right after every deletion.
 */
@QuarkusTest
@TestProfile(RetentionIT.EverySecondKeepLastTwo.class)
@WithTestResource(PlatformTestResource.class)
class RetentionIT extends TopicWatchingTest {

    RetentionIT() {
        super(Topics.SNAPSHOTS);
    }

    /** Unique per run: the bucket outlives the database, which every run starts empty. */
    static final String PERIODIC = "periodic-" + UUID.randomUUID().toString().substring(0, 8);

    public static class EverySecondKeepLastTwo implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("spillway.snapshot.policies.it-periodic.site", "onprem",
                    "spillway.snapshot.policies.it-periodic.filesystem", PERIODIC,
                    "spillway.snapshot.policies.it-periodic.every", "1s",
                    "spillway.snapshot.policies.it-periodic.keep-last", "2",
                    "spillway.snapshot.retention.min-age", "0s");
        }
    }

    private static final int MIB = 1024 * 1024;

    @Inject
    S3Client s3;

    @Inject
    S3SnapshotStore store;

    @Inject
    SnapshotRestorer restorer;

    @Inject
    SnapshotCatalogue catalogue;

    @Inject
    StoreLeases leases;

    @Inject
    SnapshotWorkerConfig.Snapshot config;

    @TestHTTPResource("/api/v1/snapshots/gc")
    URI gcEndpoint;

    @Test
    void periodicSnapshotsKeepOnlyTheLastTwoAndAnnounceEveryOtherAsDeleted() throws IOException {
        Path directory = filesystem(PERIODIC);
        Files.writeString(directory.resolve("metrics.csv"), "step,loss\n1,0.5\n", StandardCharsets.UTF_8);

        Set<String> remaining = await().atMost(TestEvents.TIMEOUT).until(() -> {
            Set<String> uploaded = ids(TestEvents.seen(answers, SnapshotUploaded.class,
                    e -> e.filesystem().equals(PERIODIC)).stream().map(SnapshotUploaded::snapshotId).toList());
            Set<String> deleted = ids(TestEvents.seen(answers, SnapshotDeleted.class,
                    e -> e.filesystem().equals(PERIODIC)).stream().map(SnapshotDeleted::snapshotId).toList());
            Set<String> manifests = manifestIds(PERIODIC);
            Set<String> notDeleted = new TreeSet<>(uploaded);
            notDeleted.removeAll(deleted);
            // A consistent moment after several rounds: what was uploaded and not announced deleted is exactly
            // what the bucket holds, two manifests.
            return deleted.size() >= 3 && manifests.size() == 2 && manifests.equals(notDeleted) ? manifests : null;
        }, r -> r != null);

        assertTrue(remaining.stream().allMatch(id -> id.startsWith("sched-it-periodic-")), remaining.toString());
        List<SnapshotDeleted> deletions = TestEvents.seen(answers, SnapshotDeleted.class,
                e -> e.filesystem().equals(PERIODIC));
        for (SnapshotDeleted deleted : deletions) {
            assertEquals("retention: keep-last 2 (policy it-periodic)", deleted.reason());
            assertEquals("snapshots/" + PERIODIC + "/" + deleted.snapshotId() + ".json", deleted.locator());
            assertEquals("onprem", deleted.site());
        }
        assertEquals(deletions.size(), ids(deletions.stream().map(SnapshotDeleted::snapshotId).toList()).size(),
                "each snapshot is announced deleted once");
    }

    @Test
    void garbageCollectionDeletesExactlyTheChunksOnlyTheForgottenSnapshotHeldAndTheRestStillRestore()
            throws Exception {
        String filesystem = "gc-" + UUID.randomUUID().toString().substring(0, 8);
        Path directory = filesystem(filesystem);
        Files.write(directory.resolve("kept.bin"), random(3 * MIB));
        Files.write(directory.resolve("rewritten.bin"), random(2 * MIB));
        String first = snapshot(filesystem);
        Files.write(directory.resolve("rewritten.bin"), random(2 * MIB));
        String second = snapshot(filesystem);
        Files.write(directory.resolve("added.txt"), ("third of " + filesystem).getBytes(StandardCharsets.UTF_8));
        String third = snapshot(filesystem);
        Set<String> firstChunks = chunksOf(filesystem, first);
        Set<String> remainingChunks = new HashSet<>(chunksOf(filesystem, second));
        remainingChunks.addAll(chunksOf(filesystem, third));
        Set<String> onlyFirst = new HashSet<>(firstChunks);
        onlyFirst.removeAll(remainingChunks);
        assertFalse(onlyFirst.isEmpty(), "the first rewritten.bin is named by the first snapshot only");

        events.send(TestEvents.cloudEvent(new SnapshotDeleteRequested(first, filesystem, "superseded")));

        awaitDeleted(first);
        // Collected right after the deletion; a 409 only means a periodic snapshot holds the store for a moment.
        await().atMost(TestEvents.TIMEOUT).until(() -> onlyFirst.stream().noneMatch(this::chunkStored));
        assertTrue(remainingChunks.stream().allMatch(this::chunkStored), "chunks the remaining snapshots name stay");
        for (String snapshotId : List.of(second, third)) {
            Path target = Files.createDirectories(Path.of("target", "retention-restores", snapshotId));
            Manifest manifest = store.get("snapshots/" + filesystem + "/" + snapshotId + ".json").orElseThrow();
            restorer.restore(new SnapshotRestorer.Request("it-" + snapshotId, manifest, target, List.of()));
            for (ManifestEntry entry : manifest.entries()) {
                // The files each snapshot holds are on disk unchanged since it was taken.
                if (entry.type() == EntryType.FILE) {
                    assertArrayEquals(Files.readAllBytes(directory.resolve(entry.path())),
                            Files.readAllBytes(target.resolve(entry.path())), entry.path() + " of " + snapshotId);
                }
            }
            assertEquals(manifest.files(), countFiles(target), "every file of " + snapshotId + " restored");
        }
    }

    @Test
    void garbageCollectionWaitsForASnapshotHoldingItsLeaseAndKeepsTheChunksItReuses() throws Exception {
        String filesystem = "lease-" + UUID.randomUUID().toString().substring(0, 8);
        Path directory = filesystem(filesystem);
        Files.write(directory.resolve("weights.bin"), random(3 * MIB));
        String forgotten = snapshot(filesystem);
        Set<String> chunks = chunksOf(filesystem, forgotten);
        CompletableFuture<Void> snapshotRunning = new CompletableFuture<>();
        // A snapshot in progress, as SnapshotRequestConsumer holds one for its whole walk and upload.
        Uni<Void> held = leases.withShared("snapshot it-in-progress", null,
                () -> Uni.createFrom().completionStage(snapshotRunning));
        CompletableFuture<Void> released = held.subscribeAsCompletionStage().toCompletableFuture();
        try {
            events.send(TestEvents.cloudEvent(new SnapshotDeleteRequested(forgotten, filesystem, "superseded")));
            awaitDeleted(forgotten);

            assertEquals(409, collectGarbage().statusCode(), "no collection while a snapshot holds the store");
            // The debounced collection the deletion asked for is postponed too.
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                    .until(() -> chunks.stream().allMatch(this::chunkStored));

            // Meanwhile a new snapshot of the same content names the forgotten snapshot's chunks without uploading.
            String reusing = UUID.randomUUID().toString();
            events.send(TestEvents.cloudEvent(new SnapshotRequested(reusing, "onprem", filesystem, null, null)));
            SnapshotUploaded uploaded = awaitUploaded(reusing);
            assertEquals(0, uploaded.chunksNew(), "every chunk found in the store");
            assertEquals(chunks, chunksOf(filesystem, reusing));
        } finally {
            snapshotRunning.complete(null);
            released.join();
        }

        await().atMost(TestEvents.TIMEOUT).until(() -> collectGarbage().statusCode() == 200);
        assertTrue(chunks.stream().allMatch(this::chunkStored), "the reused chunks survive the collection");
    }

    @Test
    void deleteRequestDeletesTheManifestAnnouncesItOnceAndARedeliveryChangesNothing() throws Exception {
        String filesystem = "delete-" + UUID.randomUUID().toString().substring(0, 8);
        Files.writeString(filesystem(filesystem).resolve("notes.txt"), "keep me? " + filesystem);
        String snapshotId = snapshot(filesystem);
        String locator = "snapshots/" + filesystem + "/" + snapshotId + ".json";
        assertTrue(store.get(locator).isPresent());
        CloudEvent request = TestEvents.cloudEvent(new SnapshotDeleteRequested(snapshotId, filesystem, "user asked"));

        events.send(request);

        SnapshotDeleted deleted = awaitDeleted(snapshotId);
        assertEquals(new SnapshotDeleted(snapshotId, "onprem", filesystem, locator, "user asked"), deleted);
        assertTrue(store.get(locator).isEmpty(), "the manifest is gone");
        assertEquals("DELETED", catalogue.findState(snapshotId).await().indefinitely().orElseThrow(),
                "the catalogue keeps the row as history");

        events.send(request);
        events.send(TestEvents.cloudEvent(new SnapshotDeleteRequested(snapshotId, filesystem, "asked again")));
        events.send(TestEvents.cloudEvent(new SnapshotDeleteRequested("never-taken-" + snapshotId, filesystem,
                "unknown")));
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> TestEvents.seen(answers,
                SnapshotDeleted.class, e -> e.filesystem().equals(filesystem)).size() == 1);
    }

    @Test
    void deadLettersADeleteRequestNamingAnotherFilesystemOrAnUnusableIdAndKeepsTheSnapshot() throws Exception {
        String filesystem = "misdirected-" + UUID.randomUUID().toString().substring(0, 8);
        Files.writeString(filesystem(filesystem).resolve("notes.txt"), "still here " + filesystem);
        String snapshotId = snapshot(filesystem);
        String unusableId = "../" + snapshotId;
        ConsumerTask<String, CloudEvent> deadLetters = events.watch("spillway.dlq.snapshot-worker");
        try {
            events.send(TestEvents.cloudEvent(new SnapshotDeleteRequested(snapshotId, "another-filesystem", "typo")));
            events.send(TestEvents.cloudEvent(new SnapshotDeleteRequested(unusableId, filesystem, "escape")));

            await().atMost(TestEvents.TIMEOUT).until(() -> TestEvents.seen(deadLetters,
                    SnapshotDeleteRequested.class,
                    e -> e.snapshotId().equals(snapshotId) || e.snapshotId().equals(unusableId)).size() == 2);
            assertTrue(store.get("snapshots/" + filesystem + "/" + snapshotId + ".json").isPresent());
            assertEquals("UPLOADED", catalogue.findState(snapshotId).await().indefinitely().orElseThrow());
            assertTrue(TestEvents.seen(answers, SnapshotDeleted.class, e -> e.filesystem().equals(filesystem))
                    .isEmpty());
        } finally {
            deadLetters.close();
        }
    }

    private String snapshot(String filesystem) {
        String snapshotId = UUID.randomUUID().toString();
        events.send(TestEvents.cloudEvent(new SnapshotRequested(snapshotId, "onprem", filesystem, null, null)));
        awaitUploaded(snapshotId);
        return snapshotId;
    }

    private SnapshotUploaded awaitUploaded(String snapshotId) {
        return await().atMost(TestEvents.TIMEOUT).until(() -> TestEvents.first(answers, SnapshotUploaded.class,
                e -> e.snapshotId().equals(snapshotId)), java.util.Optional::isPresent).orElseThrow();
    }

    private SnapshotDeleted awaitDeleted(String snapshotId) {
        return await().atMost(TestEvents.TIMEOUT).until(() -> TestEvents.first(answers, SnapshotDeleted.class,
                e -> e.snapshotId().equals(snapshotId)), java.util.Optional::isPresent).orElseThrow();
    }

    private HttpResponse<String> collectGarbage() throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(gcEndpoint)
                .header("Authorization", "Bearer " + ServiceCalls.TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Set<String> chunksOf(String filesystem, String snapshotId) {
        return store.get("snapshots/" + filesystem + "/" + snapshotId + ".json").orElseThrow().entries().stream()
                .flatMap(entry -> entry.chunks().stream()).collect(Collectors.toSet());
    }

    private boolean chunkStored(String hash) {
        return store.contains(hash);
    }

    private Set<String> manifestIds(String filesystem) {
        String prefix = "snapshots/" + filesystem + "/";
        return store.list().stream().filter(key -> key.startsWith(prefix))
                .map(key -> key.substring(prefix.length(), key.length() - ".json".length()))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private Path filesystem(String name) throws IOException {
        return Files.createDirectories(config.sites().get("onprem").root().toAbsolutePath().resolve(name));
    }

    /** Regular files, leaving out the restore's own index of what it wrote. */
    private static long countFiles(Path directory) throws IOException {
        try (var files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> !RestoreIndex.isIndexFile(file.getFileName().toString())).count();
        }
    }

    private static Set<String> ids(List<String> ids) {
        return new TreeSet<>(ids);
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random().nextBytes(bytes);
        return bytes;
    }
}
