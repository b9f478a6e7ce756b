package io.spillway.cli;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code spillway list}: the caller's jobs, newest first. */
@Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "List jobs, newest first.")
final class ListCommand extends ApiCommand {

    private static final int REASON_WIDTH = 48;

    @Option(names = { "-p", "--project" }, description = "Only this project's jobs.")
    String project;

    @Option(names = "--state", description = "Only jobs in this state (PENDING, RUNNING, SUCCEEDED, ...).")
    String state;

    @Option(names = "--site", description = "Only jobs at this site.")
    String site;

    @Option(names = "--limit", defaultValue = "50", description = "Jobs per page (default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--offset", defaultValue = "0", description = "Skip this many jobs.")
    int offset;

    @Option(names = { "-A", "--all-pages" }, description = "Fetch every page, not only the first.")
    boolean allPages;

    @Override
    int run(ApiClient client) {
        JsonNode page = fetch(client, offset);
        ArrayNode items = items(page).deepCopy();
        int total = page.path("total").asInt(items.size());
        int next = offset + items.size();
        while (allPages && items(page).size() > 0 && next < total) {
            page = fetch(client, next);
            items.addAll(items(page));
            next += items(page).size();
        }
        if (allPages) {
            ObjectNode all = Output.JSON.createObjectNode();
            all.set("items", items);
            all.put("total", total);
            all.put("limit", items.size());
            all.put("offset", offset);
            page = all;
        }
        int shown = offset + items.size();
        printPage(page, items, () -> table(items, Instant.now()),
                total == 0 ? "no jobs" : "no jobs at offset " + offset + " (" + total + " in all)",
                shown < total
                        ? "showing " + (offset + 1) + "-" + shown + " of " + total + " jobs; --offset " + shown
                                + " for the next page, --all-pages for all"
                        : null);
        return ExitCodes.OK;
    }

    /** The jobs as a table, ages relative to {@code now}. */
    static Table table(Iterable<JsonNode> jobs, Instant now) {
        Table table = Table.of("NAME", "ID", "PROJECT", "SITE", "STATE", "GPU", "AGE", "REASON");
        for (JsonNode job : jobs) {
            JsonNode spec = job.path("spec");
            String gpu = Output.number(spec.path("gpu"));
            int workers = spec.path("workers").asInt(1);
            if (gpu != null && workers > 1) {
                gpu = gpu + "x" + workers;
            }
            table.row(Output.text(job, "name"), Jobs.shortId(Output.text(job, "id")), Output.text(job, "project"),
                    Output.text(job, "site"), Output.text(job, "state"), gpu, Output.age(Output.text(job, "createdAt"),
                            now),
                    Table.truncate(Output.text(job, "pendingReason"), REASON_WIDTH));
        }
        return table;
    }

    private static ArrayNode items(JsonNode page) {
        return page.path("items") instanceof ArrayNode items ? items : Output.JSON.createArrayNode();
    }

    private JsonNode fetch(ApiClient client, int from) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("project", project);
        query.put("state", state == null ? null : state.trim().toUpperCase(Locale.ROOT));
        query.put("site", site);
        query.put("limit", limit);
        query.put("offset", from);
        return client.get(ApiClient.withQuery("/api/v1/jobs", query));
    }
}
