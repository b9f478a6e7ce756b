package io.spillway.snapshot.repository;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.spillway.snapshot.domain.Manifest;
import io.spillway.snapshot.domain.ManifestEntry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManifestJsonTest {

    private final Manifest manifest = new Manifest("snap-1", "onprem", "datasets", null,
            Instant.parse("2025-01-02T03:04:05.123456789Z"), new Manifest.Chunking("fixed", 4194304), List.of(
                    ManifestEntry.directory("imagenet", 02755, Instant.parse("2025-01-01T00:00:00Z")),
                    ManifestEntry.file("imagenet/a.bin", 0644, 10, Instant.parse("2025-01-01T00:00:01Z"),
                            List.of("b".repeat(64))),
                    ManifestEntry.symlink("latest", 0777, Instant.parse("2025-01-01T00:00:02Z"), "imagenet")));

    @Test
    void readsBackWhatItWrote() {
        assertEquals(manifest, ManifestJson.read(ManifestJson.write(manifest)));
    }

    @Test
    void keepsTheParentOfAnIncrementalSnapshotAndOmitsItForAFullOne() throws Exception {
        Manifest incremental = new Manifest("snap-2", "onprem", "datasets", null, manifest.createdAt(),
                new Manifest.Chunking("fastcdc", 1048576), manifest.entries(), "snap-1");

        assertEquals(incremental, ManifestJson.read(ManifestJson.write(incremental)));
        assertEquals("snap-1", new ObjectMapper().readTree(ManifestJson.write(incremental)).get("parentSnapshotId")
                .asText());
        assertEquals(false, new ObjectMapper().readTree(ManifestJson.write(manifest)).has("parentSnapshotId"));
    }

    @Test
    void writesModesAsOctalAndTypesInLowerCase() throws Exception {
        JsonNode json = new ObjectMapper().readTree(ManifestJson.write(manifest));

        assertEquals(Manifest.FORMAT, json.get("format").asText());
        assertEquals("2755", json.at("/entries/0/mode").asText());
        assertEquals("dir", json.at("/entries/0/type").asText());
        assertEquals("0644", json.at("/entries/1/mode").asText());
        assertEquals("b".repeat(64), json.at("/entries/1/chunks/0").asText());
        assertEquals("imagenet", json.at("/entries/2/target").asText());
        assertEquals(1, json.get("files").asLong());
        assertEquals(10, json.get("bytes").asLong());
        assertEquals("2025-01-02T03:04:05.123456789Z", json.get("createdAt").asText());
        assertEquals(false, new String(ManifestJson.write(manifest), StandardCharsets.UTF_8).contains("\"path\":null"));
    }

    @Test
    void skipsFieldsItDoesNotKnowSoNewerWritersStayReadable() {
        String json = new String(ManifestJson.write(manifest), StandardCharsets.UTF_8)
                .replace("\"site\":", "\"labels\":{\"team\":[\"vision\",{\"x\":1}]},\"site\":")
                .replace("\"type\":\"dir\"", "\"type\":\"dir\",\"xattrs\":{\"user.a\":\"b\"}");

        assertEquals(manifest, ManifestJson.read(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void refusesAManifestOfAnotherFormatOrWithoutItsIdentity() {
        String json = new String(ManifestJson.write(manifest), StandardCharsets.UTF_8);

        IllegalArgumentException otherFormat = assertThrows(IllegalArgumentException.class, () -> ManifestJson
                .read(json.replace(Manifest.FORMAT, "spillway.manifest.v0").getBytes(StandardCharsets.UTF_8)));
        assertTrue(otherFormat.getMessage().contains("spillway.manifest.v0"), otherFormat.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ManifestJson
                .read(json.replace("\"snapshotId\"", "\"snapshot\"").getBytes(StandardCharsets.UTF_8)));
        IllegalArgumentException badType = assertThrows(IllegalArgumentException.class, () -> ManifestJson
                .read(json.replace("\"symlink\"", "\"socket\"").getBytes(StandardCharsets.UTF_8)));
        assertTrue(badType.getMessage().contains("socket"), badType.getMessage());
    }
}
