package io.spillway.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

/** Finding a job from what a researcher types (full id, id prefix, name), and facts about job states. */
final class Jobs {

    static final Set<String> FINAL_STATES = Set.of("SUCCEEDED", "FAILED", "CANCELLED");
    /**
     * The API has no name filter: a prefix or name is looked up among this many of the caller's newest jobs (the
     * API's largest page).
     */
    static final int SEARCH_DEPTH = 500;
    static final int MIN_PREFIX = 6;

    private static final Pattern UUID = Pattern
            .compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private Jobs() {
    }

    static boolean isFinal(String state) {
        return FINAL_STATES.contains(state);
    }

    /** Whether {@code reference} is a whole UUID: used as it is, without looking it up. */
    static boolean isUuid(String reference) {
        return UUID.matcher(reference).matches();
    }

    /** The first 8 characters of an id, as {@code list} shows it. */
    static String shortId(String id) {
        return id == null || id.length() <= 8 ? id : id.substring(0, 8);
    }

    static String path(String id) {
        return "/api/v1/jobs/" + ApiClient.encode(id);
    }

    /**
     * The id of the job {@code reference} names: a full id as it is; otherwise the one job among the caller's
     * {@value #SEARCH_DEPTH} newest whose name equals it or whose id starts with it (at least {@value #MIN_PREFIX}
     * characters).
     */
    static String resolve(ApiClient client, String reference) {
        String wanted = reference.trim();
        if (isUuid(wanted)) {
            return wanted.toLowerCase();
        }
        String prefix = wanted.toLowerCase();
        boolean byPrefix = prefix.length() >= MIN_PREFIX;
        Map<String, JsonNode> matches = new LinkedHashMap<>();
        JsonNode newest = client.get(ApiClient.withQuery("/api/v1/jobs", Map.of("limit", SEARCH_DEPTH)));
        for (JsonNode job : newest.path("items")) {
            String id = job.path("id").asText();
            if (wanted.equals(job.path("name").asText()) || byPrefix && id.startsWith(prefix)) {
                matches.put(id, job);
            }
        }
        if (matches.size() == 1) {
            return matches.keySet().iterator().next();
        }
        if (matches.isEmpty()) {
            if (!byPrefix) {
                throw new CliException(ExitCodes.USAGE, "no job is named '" + wanted + "'; give the job's name, its "
                        + "full id, or at least " + MIN_PREFIX + " characters of it (see `spillway list`)");
            }
            throw new CliException(ExitCodes.NOT_FOUND, "no job named '" + wanted + "' or with an id starting with it "
                    + "among your " + SEARCH_DEPTH + " newest jobs; use the full id (see `spillway list`)");
        }
        List<String> candidates = new ArrayList<>();
        matches.values().forEach(job -> candidates.add("  " + job.path("id").asText() + "  " + job.path("name")
                .asText() + "  " + job.path("state").asText() + "  " + job.path("createdAt").asText()));
        throw new CliException(ExitCodes.USAGE, "'" + wanted + "' is ambiguous: it matches " + matches.size()
                + " jobs; use the full id of one of them:", candidates, null);
    }

    /** A command for display: words with spaces or quotes in single quotes, as a shell would need them. */
    static String shellWords(JsonNode command) {
        List<String> words = new ArrayList<>();
        command.forEach(word -> words.add(word.asText()));
        return words.stream().map(Jobs::quote).collect(Collectors.joining(" "));
    }

    private static String quote(String word) {
        if (!word.isEmpty() && word.matches("[A-Za-z0-9_./:=@%+,-]+")) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
