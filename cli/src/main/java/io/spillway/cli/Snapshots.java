package io.spillway.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/** Finding a snapshot or restore from what an operator types, and saying what one did in a line. */
final class Snapshots {

    static final String SNAPSHOTS = "/api/v1/snapshots";
    static final String RESTORES = "/api/v1/restores";
    static final Set<String> SNAPSHOT_ENDS = Set.of("UPLOADED", "FAILED", "DELETED");
    static final Set<String> RESTORE_ENDS = Set.of("RESTORED", "FAILED");

    private Snapshots() {
    }

    static String path(String collection, String id) {
        return collection + "/" + ApiClient.encode(id);
    }

    /**
     * The full id of the snapshot or restore {@code reference} names: a full id, or at least
     * {@link Jobs#MIN_PREFIX} characters of one among the newest {@link Jobs#SEARCH_DEPTH}.
     *
     * @param collection {@link #SNAPSHOTS} or {@link #RESTORES}
     */
    static String resolve(ApiClient client, String collection, String reference) {
        String noun = RESTORES.equals(collection) ? "restore" : "snapshot";
        String wanted = reference.trim();
        if (Jobs.isUuid(wanted)) {
            return wanted.toLowerCase(Locale.ROOT);
        }
        if (wanted.length() < Jobs.MIN_PREFIX) {
            // Ids chosen by other services (a burst's snapshots) need not be UUIDs: try the reference as it is.
            return wanted;
        }
        Map<String, JsonNode> matches = new LinkedHashMap<>();
        JsonNode newest = client.get(ApiClient.withQuery(collection, Map.of("limit", Jobs.SEARCH_DEPTH)));
        for (JsonNode item : newest.path("items")) {
            String id = item.path("id").asText();
            if (id.equals(wanted)) {
                return id;
            }
            if (id.startsWith(wanted)) {
                matches.put(id, item);
            }
        }
        if (matches.size() == 1) {
            return matches.keySet().iterator().next();
        }
        if (matches.isEmpty()) {
            // Not among the newest: the API answers 404 for the reference itself if it is not a full id either.
            return wanted;
        }
        List<String> candidates = new ArrayList<>();
        matches.values().forEach(item -> candidates.add("  " + item.path("id").asText() + "  "
                + item.path("filesystem").asText() + "  " + item.path("state").asText() + "  "
                + item.path("createdAt").asText()));
        throw new CliException(ExitCodes.USAGE, "'" + wanted + "' is ambiguous: it matches " + matches.size() + " "
                + noun + "s; use the full id of one of them:", candidates, null);
    }

    /** How far it has got: {@code 1.0 KiB / 3.0 KiB (33%), 1/3 files}; {@code null} before the first report. */
    static String progress(JsonNode item) {
        JsonNode progress = item.path("progress");
        if (!progress.isObject()) {
            return null;
        }
        long done = progress.path("bytesDone").asLong();
        long total = progress.path("bytesTotal").asLong();
        String percent = total > 0 ? " (" + Math.min(100, done * 100 / total) + "%)" : "";
        return bytes(done) + " / " + bytes(total) + percent + ", " + progress.path("filesDone").asLong() + "/"
                + progress.path("filesTotal").asLong() + " files";
    }

    /** What an uploaded snapshot holds and what the upload cost, in a line. */
    static String snapshotFigures(JsonNode snapshot) {
        return count(snapshot, "files") + " files, " + bytes(snapshot, "bytes") + "; scanned "
                + bytes(snapshot, "bytesScanned") + ", uploaded " + bytes(snapshot, "bytesUploaded") + "; chunks "
                + count(snapshot, "chunksNew") + " new, " + count(snapshot, "chunksReused") + " reused; "
                + duration(snapshot);
    }

    /** What a finished restore wrote, in a line. */
    static String restoreFigures(JsonNode restore) {
        return count(restore, "files") + " files, " + bytes(restore, "bytes") + " in " + duration(restore);
    }

    /** {@code 512 B}, {@code 1.5 KiB}, {@code 2.0 GiB}. */
    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = { "KiB", "MiB", "GiB", "TiB", "PiB" };
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    static String bytes(JsonNode item, String field) {
        return item.hasNonNull(field) ? bytes(item.get(field).asLong()) : "-";
    }

    static String duration(JsonNode item) {
        if (!item.hasNonNull("durationMs")) {
            return "-";
        }
        long millis = item.get("durationMs").asLong();
        return millis < 60_000 ? String.format(Locale.ROOT, "%.1f s", millis / 1000.0)
                : millis / 60_000 + " min " + (millis % 60_000) / 1000 + " s";
    }

    private static String count(JsonNode item, String field) {
        return item.hasNonNull(field) ? item.get(field).asText() : "-";
    }
}
