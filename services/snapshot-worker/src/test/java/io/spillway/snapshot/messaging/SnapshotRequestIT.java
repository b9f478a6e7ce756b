package io.spillway.snapshot.messaging;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.spillway.schemas.CloudEvent;
import io.spillway.schemas.StorageEvent.SnapshotCreated;
import io.spillway.schemas.StorageEvent.SnapshotFailed;
import io.spillway.schemas.StorageEvent.SnapshotRequested;
import io.spillway.schemas.StorageEvent.SnapshotUploaded;
import io.spillway.schemas.Topics;
import io.spillway.snapshot.config.SnapshotWorkerConfig;
import io.spillway.snapshot.s3.S3SnapshotStore;
import io.spillway.testing.PlatformTestResource;
import io.spillway.testing.TestEvents;
import io.spillway.testing.TopicWatchingTest;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@WithTestResource(PlatformTestResource.class)
class SnapshotRequestIT extends TopicWatchingTest {

    SnapshotRequestIT() {
        super(Topics.SNAPSHOTS);
    }

    private static final int MIB = 1024 * 1024;

    @Inject
    S3Client s3;

    @Inject
    SnapshotWorkerConfig.Snapshot sites;

    @Inject
    SnapshotWorkerConfig.S3 store;

    @Inject
    S3SnapshotStore repository;

    @Test
    void uploadsChunksAndAManifestFromWhichEveryFileReassemblesExactly() throws Exception {
        String filesystem = unique("datasets");
        Path directory = fillFilesystem(filesystem);
        String snapshotId = UUID.randomUUID().toString();
        String burstId = "burst-" + UUID.randomUUID();

        events.send(TestEvents.cloudEvent(new SnapshotRequested(snapshotId, "onprem", filesystem, null, burstId)));

        SnapshotUploaded uploaded = awaitUploaded(snapshotId, 1).get(0);
        long contentBytes = contentBytes(directory);
        assertEquals("snapshots/" + filesystem + "/" + snapshotId + ".json", uploaded.locator());
        assertEquals(burstId, uploaded.burstId());
        assertEquals(contentBytes, uploaded.bytesScanned());
        assertEquals(contentBytes, uploaded.bytesUploaded());
        assertEquals(0, uploaded.chunksReused());
        SnapshotCreated created = TestEvents.first(answers, SnapshotCreated.class,
                e -> e.snapshotId().equals(snapshotId)).orElseThrow();
        assertEquals(3, created.files());
        assertEquals(contentBytes, created.bytes());

        JsonNode manifest = new ObjectMapper().readTree(object(uploaded.locator()));
        assertEquals(snapshotId, manifest.get("snapshotId").asText());
        assertEquals("fastcdc", manifest.at("/chunking/algorithm").asText(), "content-defined chunks by default");
        assertEquals(2 + entryAt(manifest, "imagenet/train/shard-0.bin").get("chunks").size(), uploaded.chunksNew(),
                "README, labels and the chunks of the shard");
        int files = 0;
        for (JsonNode entry : manifest.get("entries")) {
            String path = entry.get("path").asText();
            switch (entry.get("type").asText()) {
                case "file" -> {
                    files++;
                    assertArrayEquals(Files.readAllBytes(directory.resolve(path)), reassemble(entry),
                            path + " reassembles from its chunks");
                    assertEquals(Files.size(directory.resolve(path)), entry.get("size").asLong());
                }
                case "symlink" -> assertEquals(Files.readSymbolicLink(directory.resolve(path)).toString(),
                        entry.get("target").asText());
                case "dir" -> assertTrue(Files.isDirectory(directory.resolve(path)));
                default -> throw new AssertionError("unexpected entry " + entry);
            }
        }
        assertEquals(3, files);
        assertEquals("imagenet/train", entryAt(manifest, "latest").get("target").asText());
        int shardChunks = entryAt(manifest, "imagenet/train/shard-0.bin").get("chunks").size();
        assertTrue(shardChunks >= 3 && shardChunks <= 36, "9 MiB in chunks of 256 KiB to 4 MiB: " + shardChunks);
    }

    @Test
    void readsNothingAndUploadsNoNewChunksForASecondSnapshotOfAnUnchangedFilesystem() throws IOException {
        String filesystem = unique("results");
        Path directory = fillFilesystem(filesystem);
        // Written well before the first snapshot, so their size and mtime can be trusted next time.
        try (var files = Files.walk(directory)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(1, ChronoUnit.HOURS)));
            }
        }
        String first = UUID.randomUUID().toString();
        events.send(TestEvents.cloudEvent(new SnapshotRequested(first, "onprem", filesystem, null, null)));
        SnapshotUploaded full = awaitUploaded(first, 1).get(0);

        String second = UUID.randomUUID().toString();
        events.send(TestEvents.cloudEvent(new SnapshotRequested(second, "onprem", filesystem, null, null)));

        SnapshotUploaded incremental = awaitUploaded(second, 1).get(0);
        assertEquals(0, incremental.chunksNew());
        assertEquals(full.chunksNew(), incremental.chunksReused(), "every chunk named again from the parent");
        assertEquals(0, incremental.bytesUploaded());
        assertEquals(0, incremental.bytesScanned(), "no unchanged file is read again");
        assertEquals("snapshots/" + filesystem + "/" + second + ".json", incremental.locator());
        JsonNode manifest = new ObjectMapper().readTree(object(incremental.locator()));
        assertEquals(first, manifest.get("parentSnapshotId").asText());
        assertEquals(contentBytes(directory), manifest.get("bytes").asLong());
    }

    @Test
    void answersARepeatedSnapshotIdFromItsCatalogueAndIgnoresARedelivery() throws IOException {
        String filesystem = unique("models");
        fillFilesystem(filesystem);
        String snapshotId = UUID.randomUUID().toString();
        CloudEvent request = TestEvents.cloudEvent(new SnapshotRequested(snapshotId, "onprem", filesystem, null,
                null));
        events.send(request);
        SnapshotUploaded original = awaitUploaded(snapshotId, 1).get(0);
        String manifestTag = s3.headObject(r -> r.bucket(bucket()).key(original.locator())).eTag();

        events.send(request);
        events.send(TestEvents.cloudEvent(new SnapshotRequested(snapshotId, "onprem", filesystem, null, null)));

        // Same key, in order: once the second request is answered, the redelivery before it was handled too.
        List<SnapshotUploaded> uploads = awaitUploaded(snapshotId, 2);
        assertEquals(original, uploads.get(1), "answered from the catalogue, counters and duration unchanged");
        assertEquals(manifestTag, s3.headObject(r -> r.bucket(bucket()).key(original.locator())).eTag(),
                "the manifest is not written again");
        assertEquals(1, TestEvents.seen(answers, SnapshotCreated.class, e -> e.snapshotId().equals(snapshotId))
                .size());
    }

    @Test
    void answersSnapshotFailedWhenTheFilesystemDoesNotExist() {
        String filesystem = unique("missing");
        String snapshotId = UUID.randomUUID().toString();

        events.send(TestEvents.cloudEvent(new SnapshotRequested(snapshotId, "onprem", filesystem, null, "burst-7")));

        SnapshotFailed failed = await().atMost(TestEvents.TIMEOUT).until(() -> TestEvents.first(answers,
                SnapshotFailed.class, e -> e.snapshotId().equals(snapshotId)), Optional::isPresent).orElseThrow();
        assertTrue(failed.reason().contains("FILESYSTEM_NOT_FOUND"), failed.reason());
        assertEquals("burst-7", failed.burstId());
        assertFalse(TestEvents.first(answers, SnapshotUploaded.class, e -> e.snapshotId().equals(snapshotId))
                .isPresent());
        assertThrows(NoSuchKeyException.class, () -> object("snapshots/" + filesystem + "/" + snapshotId + ".json"));
    }

    /**
     * README.md, labels.csv, a random 9 MiB + 77 shard (three chunks), an empty directory and a symlink. Every file's
     * content names the filesystem, so no chunk is shared with another test's filesystem.
     */
    private Path fillFilesystem(String filesystem) throws IOException {
        Path directory = sites.sites().get("onprem").root().toAbsolutePath().resolve(filesystem);
        Files.createDirectories(directory.resolve("imagenet/train"));
        Files.createDirectories(directory.resolve("scratch"));
        Files.writeString(directory.resolve("README.md"), "hello " + filesystem, StandardCharsets.UTF_8);
        Files.writeString(directory.resolve("imagenet/labels.csv"), "cat,dog,bird," + filesystem,
                StandardCharsets.UTF_8);
        byte[] shard = new byte[9 * MIB + 77];
        new Random().nextBytes(shard);
        Files.write(directory.resolve("imagenet/train/shard-0.bin"), shard);
        Files.createSymbolicLink(directory.resolve("latest"), Path.of("imagenet/train"));
        return directory;
    }

    private static long contentBytes(Path directory) throws IOException {
        try (var files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        }
    }

    private List<SnapshotUploaded> awaitUploaded(String snapshotId, int count) {
        return await().atMost(TestEvents.TIMEOUT).until(() -> TestEvents.seen(answers, SnapshotUploaded.class,
                e -> e.snapshotId().equals(snapshotId)), answers -> answers.size() >= count);
    }

    private byte[] reassemble(JsonNode file) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (JsonNode hash : file.get("chunks")) {
            byte[] chunk = repository.fetch(hash.asText()).orElseThrow();
            assertEquals(hash.asText(), sha256(chunk), "a chunk is stored under the SHA-256 of its content");
            content.writeBytes(chunk);
        }
        return content.toByteArray();
    }

    private static JsonNode entryAt(JsonNode manifest, String path) {
        for (JsonNode entry : manifest.get("entries")) {
            if (entry.get("path").asText().equals(path)) {
                return entry;
            }
        }
        throw new AssertionError("no entry " + path + " in " + manifest);
    }

    private byte[] object(String key) {
        return s3.getObjectAsBytes(r -> r.bucket(bucket()).key(key)).asByteArray();
    }

    private String bucket() {
        return store.bucket();
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
