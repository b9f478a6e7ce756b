package io.spillway.snapshot.repository;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * An index object: for each pack it covers, the chunks in it with offset, stored length and plain length. Written
 * field by field so the stored format is explicit: {@code {"format": "spillway.index.v1", "packs": [{"key": ...,
 * "blobs": [[hash, offset, length, plainLength], ...]}]}}. Streamed, not built as a tree: every snapshot and
 * restore reads the whole index first.
 */
final class PackIndexJson {

    static final String FORMAT = "spillway.index.v1";
    private static final JsonFactory JSON = new JsonFactory();

    private PackIndexJson() {
    }

    static byte[] write(Map<String, BlobLocation> blobs) {
        Map<String, Map<String, BlobLocation>> byPack = new LinkedHashMap<>();
        blobs.forEach((hash, location) -> byPack.computeIfAbsent(location.pack(), key -> new LinkedHashMap<>())
                .put(hash, location));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + blobs.size() * 100);
        try (JsonGenerator out = JSON.createGenerator(bytes)) {
            out.writeStartObject();
            out.writeStringField("format", FORMAT);
            out.writeArrayFieldStart("packs");
            for (Map.Entry<String, Map<String, BlobLocation>> pack : byPack.entrySet()) {
                out.writeStartObject();
                out.writeStringField("key", pack.getKey());
                out.writeArrayFieldStart("blobs");
                for (Map.Entry<String, BlobLocation> blob : pack.getValue().entrySet()) {
                    out.writeStartArray();
                    out.writeString(blob.getKey());
                    out.writeNumber(blob.getValue().offset());
                    out.writeNumber(blob.getValue().length());
                    out.writeNumber(blob.getValue().plainLength());
                    out.writeEndArray();
                }
                out.writeEndArray();
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** @throws IllegalArgumentException when the bytes are not an index of this format */
    static Map<String, BlobLocation> read(byte[] json) {
        Map<String, BlobLocation> blobs = new LinkedHashMap<>();
        String format = null;
        try (JsonParser in = JSON.createParser(json)) {
            expect(in.nextToken(), JsonToken.START_OBJECT);
            String field;
            while ((field = in.nextFieldName()) != null) {
                if (field.equals("format")) {
                    format = in.nextTextValue();
                } else if (field.equals("packs")) {
                    expect(in.nextToken(), JsonToken.START_ARRAY);
                    while (in.nextToken() == JsonToken.START_OBJECT) {
                        pack(in, blobs);
                    }
                    expect(in.currentToken(), JsonToken.END_ARRAY);
                } else {
                    in.nextToken();
                    in.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException("not a " + FORMAT + " index");
        }
        return blobs;
    }

    private static void pack(JsonParser in, Map<String, BlobLocation> blobs) throws IOException {
        String key = null;
        Map<String, long[]> found = new LinkedHashMap<>();
        String field;
        while ((field = in.nextFieldName()) != null) {
            if (field.equals("key")) {
                key = in.nextTextValue();
            } else if (field.equals("blobs")) {
                expect(in.nextToken(), JsonToken.START_ARRAY);
                while (in.nextToken() == JsonToken.START_ARRAY) {
                    String hash = in.nextTextValue();
                    long offset = in.nextLongValue(-1);
                    long length = in.nextLongValue(-1);
                    long plainLength = in.nextLongValue(-1);
                    expect(in.nextToken(), JsonToken.END_ARRAY);
                    if (hash == null || offset < 0 || length < 0 || plainLength < 0) {
                        throw new IllegalArgumentException("a blob entry is not [hash, offset, length, plainLength]");
                    }
                    if (key != null) {
                        blobs.put(hash, new BlobLocation(key, offset, (int) length, (int) plainLength));
                    } else {
                        found.put(hash, new long[] { offset, length, plainLength });
                    }
                }
                expect(in.currentToken(), JsonToken.END_ARRAY);
            } else {
                in.nextToken();
                in.skipChildren();
            }
        }
        if (key == null) {
            throw new IllegalArgumentException("a pack without a key");
        }
        // Written key first, but JSON objects have no order: blobs read before the key get it now.
        for (Map.Entry<String, long[]> blob : found.entrySet()) {
            long[] at = blob.getValue();
            blobs.put(blob.getKey(), new BlobLocation(key, at[0], (int) at[1], (int) at[2]));
        }
    }

    private static void expect(JsonToken actual, JsonToken expected) {
        if (actual != expected) {
            throw new IllegalArgumentException("expected " + expected + ", found " + actual);
        }
    }
}
