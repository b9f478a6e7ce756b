package io.spillway.snapshot.repository;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.spillway.snapshot.domain.EntryType;
import io.spillway.snapshot.domain.Manifest;
import io.spillway.snapshot.domain.ManifestEntry;

/**
 * The manifest's JSON form, written field by field so the stored format is explicit and does not drift with the
 * Java records: modes as octal strings ({@code "0644"}), times as RFC 3339, types in lower case.
 *
 * <p>
 * Streamed with Jackson's parser and generator rather than through a tree: a manifest has an entry per file (20,000
 * and more), and the tree, with {@code DateTimeFormatter} for the times, made reading and writing it half the time
 * of an incremental snapshot that changed 1% of a dataset.
 */
public final class ManifestJson {

    private static final JsonFactory JSON = new JsonFactory();
    private static final EntryType[] TYPES = EntryType.values();

    private ManifestJson() {
    }

    public static byte[] write(Manifest manifest) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + manifest.entries().size() * 200);
        try (JsonGenerator out = JSON.createGenerator(bytes)) {
            out.writeStartObject();
            out.writeStringField("format", Manifest.FORMAT);
            out.writeStringField("snapshotId", manifest.snapshotId());
            out.writeStringField("site", manifest.site());
            out.writeStringField("filesystem", manifest.filesystem());
            if (manifest.path() != null) {
                out.writeStringField("path", manifest.path());
            }
            out.writeStringField("createdAt", Rfc3339.format(manifest.createdAt()));
            if (manifest.parentSnapshotId() != null) {
                out.writeStringField("parentSnapshotId", manifest.parentSnapshotId());
            }
            out.writeObjectFieldStart("chunking");
            out.writeStringField("algorithm", manifest.chunking().algorithm());
            out.writeNumberField("chunkSize", manifest.chunking().chunkSize());
            out.writeEndObject();
            out.writeNumberField("files", manifest.files());
            out.writeNumberField("bytes", manifest.bytes());
            out.writeArrayFieldStart("entries");
            for (ManifestEntry entry : manifest.entries()) {
                out.writeStartObject();
                out.writeStringField("path", entry.path());
                out.writeStringField("type", typeName(entry.type()));
                out.writeStringField("mode", octal(entry.mode()));
                out.writeNumberField("size", entry.size());
                out.writeStringField("mtime", Rfc3339.format(entry.mtime()));
                if (entry.target() != null) {
                    out.writeStringField("target", entry.target());
                }
                if (entry.type() == EntryType.FILE) {
                    out.writeArrayFieldStart("chunks");
                    for (String chunk : entry.chunks()) {
                        out.writeString(chunk);
                    }
                    out.writeEndArray();
                }
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** @throws IllegalArgumentException when the bytes are not a manifest of this format */
    public static Manifest read(byte[] json) {
        try (JsonParser in = JSON.createParser(json)) {
            expect(in.nextToken(), JsonToken.START_OBJECT, "a manifest object");
            String format = null;
            String snapshotId = null;
            String site = null;
            String filesystem = null;
            String path = null;
            Instant createdAt = null;
            String parent = null;
            Manifest.Chunking chunking = null;
            List<ManifestEntry> entries = new ArrayList<>();
            String field;
            while ((field = in.nextFieldName()) != null) {
                switch (field) {
                    case "format" -> format = in.nextTextValue();
                    case "snapshotId" -> snapshotId = in.nextTextValue();
                    case "site" -> site = in.nextTextValue();
                    case "filesystem" -> filesystem = in.nextTextValue();
                    case "path" -> path = in.nextTextValue();
                    case "createdAt" -> createdAt = Rfc3339.parse(text(in, field));
                    case "parentSnapshotId" -> parent = in.nextTextValue();
                    case "chunking" -> chunking = chunking(in);
                    case "entries" -> entries(in, entries);
                    default -> {
                        // Figures such as files and bytes are derived; unknown fields are for newer readers.
                        in.nextToken();
                        in.skipChildren();
                    }
                }
            }
            if (!Manifest.FORMAT.equals(format)) {
                throw new IllegalArgumentException("Not a " + Manifest.FORMAT + " manifest: format " + format);
            }
            if (snapshotId == null || site == null || filesystem == null || createdAt == null || chunking == null) {
                throw new IllegalArgumentException("Manifest without snapshotId, site, filesystem, createdAt or "
                        + "chunking");
            }
            return new Manifest(snapshotId, site, filesystem, path, createdAt, chunking, entries, parent);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Manifest.Chunking chunking(JsonParser in) throws IOException {
        expect(in.nextToken(), JsonToken.START_OBJECT, "chunking");
        String algorithm = null;
        int chunkSize = 0;
        String field;
        while ((field = in.nextFieldName()) != null) {
            switch (field) {
                case "algorithm" -> algorithm = in.nextTextValue();
                case "chunkSize" -> chunkSize = in.nextIntValue(0);
                default -> {
                    in.nextToken();
                    in.skipChildren();
                }
            }
        }
        return new Manifest.Chunking(algorithm, chunkSize);
    }

    private static void entries(JsonParser in, List<ManifestEntry> entries) throws IOException {
        expect(in.nextToken(), JsonToken.START_ARRAY, "entries");
        while (in.nextToken() == JsonToken.START_OBJECT) {
            String path = null;
            EntryType type = null;
            int mode = 0;
            long size = 0;
            Instant mtime = null;
            String target = null;
            List<String> chunks = List.of();
            String field;
            while ((field = in.nextFieldName()) != null) {
                switch (field) {
                    case "path" -> path = in.nextTextValue();
                    case "type" -> type = type(text(in, field));
                    case "mode" -> mode = Integer.parseInt(text(in, field), 8);
                    case "size" -> size = in.nextLongValue(0);
                    case "mtime" -> mtime = Rfc3339.parse(text(in, field));
                    case "target" -> target = in.nextTextValue();
                    case "chunks" -> {
                        expect(in.nextToken(), JsonToken.START_ARRAY, "chunks");
                        List<String> hashes = new ArrayList<>();
                        String hash;
                        while ((hash = in.nextTextValue()) != null) {
                            hashes.add(hash);
                        }
                        expect(in.currentToken(), JsonToken.END_ARRAY, "chunk hashes");
                        chunks = hashes;
                    }
                    default -> {
                        in.nextToken();
                        in.skipChildren();
                    }
                }
            }
            if (path == null || type == null || mtime == null) {
                throw new IllegalArgumentException("Manifest entry " + entries.size() + " lacks path, type or mtime");
            }
            entries.add(new ManifestEntry(path, type, mode, size, mtime, target, chunks));
        }
        expect(in.currentToken(), JsonToken.END_ARRAY, "the end of the entries");
    }

    private static String text(JsonParser in, String field) throws IOException {
        String value = in.nextTextValue();
        if (value == null) {
            throw new IllegalArgumentException("Manifest field '" + field + "' is not a string");
        }
        return value;
    }

    private static void expect(JsonToken actual, JsonToken expected, String what) {
        if (actual != expected) {
            throw new IllegalArgumentException("Manifest: expected " + what + ", found " + actual);
        }
    }

    private static String typeName(EntryType type) {
        return switch (type) {
            case FILE -> "file";
            case DIR -> "dir";
            case SYMLINK -> "symlink";
        };
    }

    private static EntryType type(String name) {
        for (EntryType type : TYPES) {
            if (typeName(type).equals(name)) {
                return type;
            }
        }
        throw new IllegalArgumentException("Manifest entry type '" + name + "' is not file, dir or symlink");
    }

    /** Four octal digits at least, as {@code %04o} writes them. */
    private static String octal(int mode) {
        String digits = Integer.toOctalString(mode);
        return digits.length() >= 4 ? digits : "0000".substring(digits.length()) + digits;
    }
}
