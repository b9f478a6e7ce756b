package io.spillway.snapshot.repository;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An index object: for each pack it covers, the chunks in it with offset, stored length and plain length. Written
 * field by field so the stored format is explicit: {@code {"format": "spillway.index.v1", "packs": [{"key": ...,
 * "blobs": [[hash, offset, length, plainLength], ...]}]}}.
 */
final class PackIndexJson {

    static final String FORMAT = "spillway.index.v1";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private PackIndexJson() {
    }

    static byte[] write(Map<String, BlobLocation> blobs) {
        Map<String, ArrayNode> byPack = new LinkedHashMap<>();
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", FORMAT);
        ArrayNode packs = root.putArray("packs");
        blobs.forEach((hash, location) -> {
            ArrayNode list = byPack.computeIfAbsent(location.pack(), key -> {
                ObjectNode pack = packs.addObject();
                pack.put("key", key);
                return pack.putArray("blobs");
            });
            list.addArray().add(hash).add(location.offset()).add(location.length()).add(location.plainLength());
        });
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @throws IllegalArgumentException when the bytes are not an index of this format */
    static Map<String, BlobLocation> read(byte[] json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        if (root == null || !FORMAT.equals(root.path("format").asText())) {
            throw new IllegalArgumentException("not a " + FORMAT + " index");
        }
        Map<String, BlobLocation> blobs = new LinkedHashMap<>();
        for (JsonNode pack : root.path("packs")) {
            String key = pack.path("key").asText();
            for (JsonNode blob : pack.path("blobs")) {
                blobs.put(blob.get(0).asText(), new BlobLocation(key, blob.get(1).asLong(), blob.get(2).asInt(),
                        blob.get(3).asInt()));
            }
        }
        return blobs;
    }
}
