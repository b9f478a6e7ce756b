package io.spillway.snapshot.repository;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.spillway.snapshot.domain.EntryType;
import io.spillway.snapshot.domain.Manifest;
import io.spillway.snapshot.domain.ManifestEntry;

/**
 * The manifest's JSON form, written field by field so the stored format is explicit and does not drift with the
 * Java records: modes as octal strings ({@code "0644"}), times as RFC 3339, types in lower case.
 */
public final class ManifestJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ManifestJson() {
    }

    public static byte[] write(Manifest manifest) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", Manifest.FORMAT);
        root.put("snapshotId", manifest.snapshotId());
        root.put("site", manifest.site());
        root.put("filesystem", manifest.filesystem());
        if (manifest.path() != null) {
            root.put("path", manifest.path());
        }
        root.put("createdAt", manifest.createdAt().toString());
        if (manifest.parentSnapshotId() != null) {
            root.put("parentSnapshotId", manifest.parentSnapshotId());
        }
        ObjectNode chunking = root.putObject("chunking");
        chunking.put("algorithm", manifest.chunking().algorithm());
        chunking.put("chunkSize", manifest.chunking().chunkSize());
        root.put("files", manifest.files());
        root.put("bytes", manifest.bytes());
        ArrayNode entries = root.putArray("entries");
        for (ManifestEntry entry : manifest.entries()) {
            ObjectNode node = entries.addObject();
            node.put("path", entry.path());
            node.put("type", entry.type().name().toLowerCase(Locale.ROOT));
            node.put("mode", String.format(Locale.ROOT, "%04o", entry.mode()));
            node.put("size", entry.size());
            node.put("mtime", entry.mtime().toString());
            if (entry.target() != null) {
                node.put("target", entry.target());
            }
            if (entry.type() == EntryType.FILE) {
                ArrayNode chunks = node.putArray("chunks");
                entry.chunks().forEach(chunks::add);
            }
        }
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Manifest read(byte[] json) {
        try {
            JsonNode root = MAPPER.readTree(json);
            if (!Manifest.FORMAT.equals(root.path("format").asText())) {
                throw new IllegalArgumentException("Not a " + Manifest.FORMAT + " manifest: format "
                        + root.path("format"));
            }
            List<ManifestEntry> entries = new ArrayList<>();
            for (JsonNode node : root.path("entries")) {
                List<String> chunks = new ArrayList<>();
                node.path("chunks").forEach(chunk -> chunks.add(chunk.asText()));
                entries.add(new ManifestEntry(node.path("path").asText(),
                        EntryType.valueOf(node.path("type").asText().toUpperCase(Locale.ROOT)),
                        Integer.parseInt(node.path("mode").asText(), 8), node.path("size").asLong(),
                        Instant.parse(node.path("mtime").asText()),
                        node.hasNonNull("target") ? node.get("target").asText() : null, chunks));
            }
            JsonNode chunking = root.path("chunking");
            return new Manifest(root.path("snapshotId").asText(), root.path("site").asText(),
                    root.path("filesystem").asText(), root.hasNonNull("path") ? root.get("path").asText() : null,
                    Instant.parse(root.path("createdAt").asText()),
                    new Manifest.Chunking(chunking.path("algorithm").asText(), chunking.path("chunkSize").asInt()),
                    entries, root.hasNonNull("parentSnapshotId") ? root.get("parentSnapshotId").asText() : null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
