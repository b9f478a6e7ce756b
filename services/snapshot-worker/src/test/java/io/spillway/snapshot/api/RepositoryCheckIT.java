package io.spillway.snapshot.api;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import io.spillway.schemas.StorageEvent.SnapshotRequested;
import io.spillway.schemas.StorageEvent.SnapshotUploaded;
import io.spillway.schemas.Topics;
import io.spillway.snapshot.config.SnapshotWorkerConfig;
import io.spillway.snapshot.domain.Manifest;
import io.spillway.snapshot.domain.ManifestEntry;
import io.spillway.snapshot.domain.SnapshotLayout;
import io.spillway.snapshot.repository.BlobLocation;
import io.spillway.snapshot.retention.StoreLeases;
import io.spillway.snapshot.s3.S3SnapshotStore;
import io.spillway.testing.ServiceCalls;
import io.spillway.testing.TestEvents;
import io.spillway.testing.TopicWatchingTest;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /api/v1/snapshots/check} against the real broker, database and s3proxy, in a bucket of its own: a clean
 * repository checks ok, and each kind of damage done to it in the bucket is named with the snapshot and the files it
 * costs.
 */
@QuarkusTest
@TestProfile(RepositoryCheckIT.SmallPacks.class)
@WithTestResource(value = OwnBucketPlatform.class, initArgs = @ResourceArg(name = "bucket", value = "check"))
class RepositoryCheckIT extends TopicWatchingTest {

    RepositoryCheckIT() {
        super(Topics.SNAPSHOTS);
    }

    /** Packs of 1 MiB, so a few MiB of files spread over several packs; a check waits a second for a collection. */
    public static class SmallPacks implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("spillway.snapshot.pack-size-mib", "1",
                    "spillway.snapshot.retention.lease-wait", "1s");
        }
    }

    private static final int MIB = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    S3Client s3;

    @Inject
    S3SnapshotStore store;

    @Inject
    StoreLeases leases;

    @Inject
    SnapshotWorkerConfig.Snapshot config;

    @TestHTTPResource("/api/v1/snapshots/check")
    URI checkEndpoint;

    @Test
    void aCleanRepositoryChecksOkAndEachDamageIsNamedWithTheSnapshotAndFilesItCosts() throws Exception {
        assertFalse(store.encrypted(), "the test edits an index as plain JSON");
        String filesystem = "check-" + UUID.randomUUID().toString().substring(0, 8);
        Path directory = filesystem(filesystem);
        Files.write(directory.resolve("a.bin"), random(3 * MIB, 1));
        Files.write(directory.resolve("b.bin"), random(2 * MIB, 2));
        Files.createDirectories(directory.resolve("sub"));
        Files.write(directory.resolve("sub/d.bin"), random(3 * MIB, 3));
        Files.writeString(directory.resolve("notes.txt"), "untouched", StandardCharsets.UTF_8);
        String snapshotId = snapshot(filesystem);
        String locator = SnapshotLayout.manifestKey(filesystem, snapshotId);
        Manifest manifest = store.get(locator).orElseThrow();

        JsonNode clean = check("{\"readData\": true}");
        assertTrue(clean.path("ok").asBoolean(), clean::toPrettyString);
        assertTrue(clean.path("readData").asBoolean());
        assertTrue(clean.path("manifestsChecked").asLong() >= 1, clean::toPrettyString);
        assertTrue(clean.path("packsChecked").asLong() >= 4, clean::toPrettyString);
        long chunks = manifest.entries().stream().flatMap(entry -> entry.chunks().stream()).distinct().count();
        assertTrue(clean.path("chunksChecked").asLong() >= chunks, clean::toPrettyString);
        assertTrue(clean.path("bytesRead").asLong() >= 8 * MIB, clean::toPrettyString);
        assertEquals(0, clean.path("problems").size());
        assertTrue(check("{\"readData\": false}").path("ok").asBoolean());

        // 1. Bytes flipped in a pack: the chunk does not hash to its id any more (reading data finds it).
        String flipped = chunksOf(manifest, "a.bin").get(0);
        BlobLocation flippedAt = store.locate(flipped).orElseThrow();
        // 2. A pack deleted: every chunk in it is lost, whichever files they belong to.
        String deletedPack = chunksOf(manifest, "b.bin").stream().map(chunk -> store.locate(chunk).orElseThrow()
                .pack()).filter(pack -> !pack.equals(flippedAt.pack())).findFirst().orElseThrow();
        // 3. A chunk the manifest names taken out of the index: no pack holds it as far as anyone can tell.
        String unindexed = chunksOf(manifest, "sub/d.bin").stream().filter(chunk -> !store.locate(chunk)
                .orElseThrow().pack().equals(deletedPack)).findFirst().orElseThrow();
        byte[] pack = get(flippedAt.pack());
        pack[(int) (flippedAt.offset() + flippedAt.length() / 2)] ^= 0x5a;
        put(flippedAt.pack(), pack);
        s3.deleteObject(request -> request.bucket(store.bucket()).key(deletedPack));
        removeFromIndexes(unindexed);
        // 4. Another snapshot's manifest deleted behind the catalogue's back.
        String other = "check-other-" + UUID.randomUUID().toString().substring(0, 8);
        Files.writeString(filesystem(other).resolve("x.txt"), "other", StandardCharsets.UTF_8);
        String otherId = snapshot(other);
        String otherLocator = SnapshotLayout.manifestKey(other, otherId);
        s3.deleteObject(request -> request.bucket(store.bucket()).key(otherLocator));

        JsonNode report = check("{\"readData\": true}");

        assertFalse(report.path("ok").asBoolean(), report::toPrettyString);
        JsonNode damaged = problem(report, "CHUNK_DAMAGED", flipped);
        assertEquals(flippedAt.pack(), damaged.path("pack").asText());
        assertAffects(damaged, snapshotId, locator, pathsNaming(manifest, chunk -> chunk.equals(flipped)));
        JsonNode lostPack = problem(report, "PACK_MISSING", null);
        assertEquals(deletedPack, lostPack.path("pack").asText());
        List<String> lostPaths = pathsNaming(manifest, chunk -> store.locate(chunk).orElseThrow().pack()
                .equals(deletedPack));
        assertTrue(lostPaths.contains("b.bin"), lostPaths::toString);
        assertAffects(lostPack, snapshotId, locator, lostPaths);
        assertAffects(problem(report, "CHUNK_MISSING", unindexed), snapshotId, locator,
                pathsNaming(manifest, chunk -> chunk.equals(unindexed)));
        JsonNode missingManifest = problem(report, "MANIFEST_MISSING", null);
        assertEquals(otherId, missingManifest.path("snapshots").get(0).path("snapshotId").asText());
        assertEquals(otherLocator, missingManifest.path("snapshots").get(0).path("locator").asText());
        assertEquals(4, report.path("problems").size(), report::toPrettyString);
        assertEquals(JSON.valueToTree(List.of(otherId, snapshotId).stream().sorted().toList()),
                report.path("damagedSnapshots"));

        JsonNode structure = check("{\"readData\": false}");
        assertFalse(structure.path("ok").asBoolean());
        assertTrue(structure.path("problems").findValuesAsText("kind").stream()
                .noneMatch(kind -> kind.equals("CHUNK_DAMAGED")), "flipped bytes are found only by reading data");
        assertEquals(0, structure.path("bytesRead").asLong());
    }

    @Test
    void aBodyThatCannotBeUsedIsA400NamingTheFieldAndNeverAStackTrace() throws Exception {
        for (Map.Entry<String, String> body : Map.of("{\"readData\": \"yes\"}", "readData",
                "{\"readdata\": true}", "readdata", "{\"readData\": tru", "body", "[]", "body").entrySet()) {
            HttpResponse<String> response = post(body.getKey());
            assertEquals(400, response.statusCode(), response.body());
            JsonNode error = JSON.readTree(response.body());
            assertEquals(body.getValue(), error.path("violations").get(0).path("field").asText(), response.body());
            assertFalse(response.body().contains("at io.spillway"), response.body());
        }
        assertEquals(200, post("").statusCode(), "no body: a structure check");
    }

    @Test
    void aCheckWhileACollectionHoldsTheStoreWaitsThenAnswers409() throws Exception {
        CompletableFuture<Void> collecting = new CompletableFuture<>();
        CompletableFuture<Optional<Void>> held = leases.tryExclusive("gc it-holding",
                () -> Uni.createFrom().completionStage(collecting)).subscribeAsCompletionStage().toCompletableFuture();
        try {
            HttpResponse<String> response = post("{\"readData\": false}");
            assertEquals(409, response.statusCode(), response.body());
            assertTrue(response.body().contains("garbage collection"), response.body());
        } finally {
            collecting.complete(null);
            held.join();
        }
        assertEquals(200, post("{\"readData\": false}").statusCode());
    }

    private static void assertAffects(JsonNode problem, String snapshotId, String locator, List<String> paths) {
        JsonNode snapshot = problem.path("snapshots").get(0);
        assertEquals(1, problem.path("snapshots").size(), problem::toPrettyString);
        assertEquals(snapshotId, snapshot.path("snapshotId").asText());
        assertEquals(locator, snapshot.path("locator").asText());
        assertEquals(JSON.valueToTree(paths), snapshot.path("paths"), problem::toPrettyString);
        assertEquals(paths.size(), snapshot.path("files").asInt());
    }

    /** The files of the manifest with a chunk that matches, sorted, as a report names them. */
    private static List<String> pathsNaming(Manifest manifest, java.util.function.Predicate<String> chunk) {
        return manifest.entries().stream().filter(entry -> entry.chunks().stream().anyMatch(chunk))
                .map(ManifestEntry::path).sorted().toList();
    }

    /** The one problem of this kind (about this chunk, when given). */
    private static JsonNode problem(JsonNode report, String kind, String chunk) {
        List<JsonNode> found = new java.util.ArrayList<>();
        report.path("problems").forEach(problem -> {
            if (problem.path("kind").asText().equals(kind)
                    && (chunk == null || chunk.equals(problem.path("chunk").asText()))) {
                found.add(problem);
            }
        });
        assertEquals(1, found.size(), kind + " " + chunk + " in " + report.toPrettyString());
        return found.get(0);
    }

    private void removeFromIndexes(String chunk) throws IOException {
        for (String key : s3.listObjectsV2Paginator(request -> request.bucket(store.bucket())
                .prefix(SnapshotLayout.INDEX_PREFIX)).contents().stream().map(object -> object.key()).toList()) {
            JsonNode index = JSON.readTree(get(key));
            boolean changed = false;
            for (JsonNode pack : index.path("packs")) {
                for (Iterator<JsonNode> blobs = ((ArrayNode) pack.path("blobs")).elements(); blobs.hasNext();) {
                    if (blobs.next().get(0).asText().equals(chunk)) {
                        blobs.remove();
                        changed = true;
                    }
                }
            }
            if (changed) {
                put(key, JSON.writeValueAsBytes(index));
            }
        }
    }

    private JsonNode check(String body) throws IOException, InterruptedException {
        HttpResponse<String> response = post(body);
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> post(String body) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(checkEndpoint)
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + ServiceCalls.TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private byte[] get(String key) {
        return s3.getObjectAsBytes(request -> request.bucket(store.bucket()).key(key)).asByteArray();
    }

    private void put(String key, byte[] bytes) {
        s3.putObject(request -> request.bucket(store.bucket()).key(key), RequestBody.fromBytes(bytes));
    }

    private static List<String> chunksOf(Manifest manifest, String path) {
        return manifest.entries().stream().filter(entry -> entry.path().equals(path)).findFirst()
                .map(ManifestEntry::chunks).orElseThrow();
    }

    private String snapshot(String filesystem) {
        String snapshotId = UUID.randomUUID().toString();
        events.send(TestEvents.cloudEvent(new SnapshotRequested(snapshotId, "onprem", filesystem, null, null)));
        await().atMost(TestEvents.TIMEOUT).until(() -> TestEvents.first(answers, SnapshotUploaded.class,
                e -> e.snapshotId().equals(snapshotId)), Optional::isPresent);
        return snapshotId;
    }

    private Path filesystem(String name) throws IOException {
        return Files.createDirectories(config.sites().get("onprem").root().toAbsolutePath().resolve(name));
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed ^ System.nanoTime()).nextBytes(bytes);
        return bytes;
    }
}
