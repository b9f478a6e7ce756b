package io.spillway.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code spillway snapshot}: snapshots of a site's filesystems in the object store, and restores of them at a site.
 * Taking, restoring and deleting need the admin token; anyone may look.
 */
@Command(name = "snapshot", aliases = "snapshots", mixinStandardHelpOptions = true, description = "Snapshot filesystems to the object store, restore them at a site, list and delete them.", subcommands = {
        SnapshotCommand.Create.class, SnapshotCommand.ListSnapshots.class, SnapshotCommand.Describe.class,
        SnapshotCommand.Restore.class, SnapshotCommand.Delete.class, SnapshotCommand.ListRestores.class,
        SnapshotCommand.Check.class })
final class SnapshotCommand {

    private static final Duration POLL_INTERVAL = Duration.ofSeconds(1);

    /** {@code snapshot create}: ask for a snapshot, and with {@code --wait} follow it to its end. */
    @Command(name = "create", mixinStandardHelpOptions = true, description = "Snapshot a filesystem (or a path in it) at a site and upload it to the object store.", footer = {
            "", "Example:", "  spillway snapshot create datasets --path imagenet --wait" })
    static final class Create extends ApiCommand {

        @Parameters(paramLabel = "FILESYSTEM", description = "The filesystem to snapshot, e.g. datasets.")
        String filesystem;

        @Option(names = "--site", defaultValue = "onprem", description = "The site whose filesystem it is (default ${DEFAULT-VALUE}).")
        String site;

        @Option(names = "--path", description = "Only this path, relative to the filesystem.")
        String path;

        @Option(names = "--wait", description = "Wait until it is UPLOADED (exit 0) or FAILED (exit 1), showing progress. Ctrl-C stops waiting, not the snapshot.")
        boolean await;

        @Override
        boolean needsAdminToken() {
            return true;
        }

        @Override
        int run(ApiClient client) throws InterruptedException {
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("site", site);
            request.put("filesystem", filesystem);
            if (path != null) {
                request.put("path", path);
            }
            JsonNode snapshot = client.post(Snapshots.SNAPSHOTS, request);
            String id = snapshot.path("id").asText();
            String requested = "snapshot " + id + " requested (" + site + "/" + filesystem
                    + (path == null ? "" : "/" + path) + ")";
            if (!await) {
                printJsonOr(snapshot, out -> {
                    out.println(requested);
                    out.println("  spillway snapshot describe " + id + "   # state, progress, figures");
                });
                return ExitCodes.OK;
            }
            if (!api.json()) {
                out().println(requested);
                out().flush();
            }
            JsonNode ended = follow(this, client, Snapshots.path(Snapshots.SNAPSHOTS, id), Snapshots.SNAPSHOT_ENDS);
            String state = ended.path("state").asText();
            printJsonOr(ended, out -> {
                if ("UPLOADED".equals(state)) {
                    out.println("snapshot " + id + " UPLOADED: " + Snapshots.snapshotFigures(ended));
                    out.println("  locator: " + ended.path("locator").asText());
                } else {
                    out.println("snapshot " + id + " " + state + ": " + ended.path("reason").asText("-"));
                }
            });
            return "UPLOADED".equals(state) ? ExitCodes.OK : ExitCodes.JOB_UNSUCCESSFUL;
        }
    }

    /** {@code snapshot list}: the snapshots, newest first. */
    @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "List snapshots, newest first: yours and those a burst or retention took.")
    static final class ListSnapshots extends ApiCommand {

        @Option(names = "--filesystem", description = "Only this filesystem's snapshots.")
        String filesystem;

        @Option(names = "--site", description = "Only snapshots taken at this site.")
        String site;

        @Option(names = "--state", description = "Only snapshots in this state (REQUESTED, RUNNING, UPLOADED, FAILED, DELETED).")
        String state;

        @Option(names = "--limit", defaultValue = "50", description = "Snapshots to show (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        int run(ApiClient client) {
            JsonNode page = fetchPage(client, Snapshots.SNAPSHOTS, site, filesystem, "state",
                    state == null ? null : state.trim().toUpperCase(Locale.ROOT), limit);
            JsonNode items = page.path("items");
            int total = page.path("total").asInt();
            printPage(page, items, () -> table(items, Instant.now()), "no snapshots", items.size() < total
                    ? "showing " + items.size() + " of " + total + " snapshots; --limit for more"
                    : null);
            return ExitCodes.OK;
        }

        static Table table(Iterable<JsonNode> snapshots, Instant now) {
            Table table = Table.of("ID", "SITE", "FILESYSTEM", "PATH", "STATE", "FILES", "SIZE", "UPLOADED", "AGE",
                    "BURST");
            for (JsonNode snapshot : snapshots) {
                table.row(Jobs.shortId(Output.text(snapshot, "id")), Output.text(snapshot, "site"),
                        Output.text(snapshot, "filesystem"), Output.text(snapshot, "path"),
                        Output.text(snapshot, "state"), Output.text(snapshot, "files"),
                        snapshot.hasNonNull("bytes") ? Snapshots.bytes(snapshot, "bytes") : null,
                        snapshot.hasNonNull("bytesUploaded") ? Snapshots.bytes(snapshot, "bytesUploaded") : null,
                        Output.age(Output.text(snapshot, "createdAt"), now),
                        Jobs.shortId(Output.text(snapshot, "burstId")));
            }
            return table;
        }
    }

    /** {@code snapshot describe}: one snapshot, or one restore with {@code --restore}. */
    @Command(name = "describe", mixinStandardHelpOptions = true, description = "Show a snapshot: state, progress, locator and what the upload read and sent.")
    static final class Describe extends ApiCommand {

        @Parameters(paramLabel = "SNAPSHOT", description = "Snapshot id, or its first 6+ characters.")
        String snapshot;

        @Option(names = "--restore", description = "SNAPSHOT is a restore's id: show that restore.")
        boolean restore;

        @Override
        int run(ApiClient client) {
            String collection = restore ? Snapshots.RESTORES : Snapshots.SNAPSHOTS;
            JsonNode found = client.get(Snapshots.path(collection, Snapshots.resolve(client, collection, snapshot)));
            printJsonOr(found, out -> out.print(restore ? renderRestore(found, Instant.now())
                    : render(found, Instant.now())));
            return ExitCodes.OK;
        }

        /** The snapshot as a readable block; times relative to {@code now}. */
        static String render(JsonNode snapshot, Instant now) {
            StringBuilder text = new StringBuilder();
            DetailLines fields = new DetailLines(text, "", 12);
            fields.add("Id", Output.text(snapshot, "id"));
            fields.add("Site", Output.text(snapshot, "site"));
            fields.add("Filesystem", Output.text(snapshot, "filesystem"));
            fields.add("Path", Output.text(snapshot, "path"));
            fields.add("State", Output.text(snapshot, "state"));
            fields.add("Progress", Snapshots.progress(snapshot));
            fields.addIfPresent("Reason", Output.text(snapshot, "reason"));
            fields.add("Locator", Output.text(snapshot, "locator"));
            fields.add("Files", Output.text(snapshot, "files"));
            fields.add("Size", snapshot.hasNonNull("bytes") ? Snapshots.bytes(snapshot, "bytes") : null);
            fields.add("Scanned", snapshot.hasNonNull("bytesScanned") ? Snapshots.bytes(snapshot, "bytesScanned")
                    : null);
            fields.add("Uploaded", snapshot.hasNonNull("bytesUploaded")
                    ? Snapshots.bytes(snapshot, "bytesUploaded")
                    : null);
            fields.add("Chunks", snapshot.hasNonNull("chunksNew")
                    ? snapshot.path("chunksNew").asText() + " new, " + snapshot.path("chunksReused").asText()
                            + " reused"
                    : null);
            fields.add("Duration", snapshot.hasNonNull("durationMs") ? Snapshots.duration(snapshot) : null);
            fields.add("Burst", Output.text(snapshot, "burstId"));
            fields.add("By", Output.text(snapshot, "requestedBy"));
            fields.addTimestamps(snapshot, now);
            return text.toString();
        }

        /** The restore as a readable block; times relative to {@code now}. */
        static String renderRestore(JsonNode restore, Instant now) {
            StringBuilder text = new StringBuilder();
            DetailLines fields = new DetailLines(text, "", 12);
            fields.add("Id", Output.text(restore, "id"));
            fields.add("Snapshot", Output.text(restore, "snapshotId"));
            fields.add("Locator", Output.text(restore, "locator"));
            fields.add("Site", Output.text(restore, "site"));
            fields.add("Filesystem", Output.text(restore, "filesystem"));
            List<String> priority = new ArrayList<>();
            restore.path("priorityPaths").forEach(path -> priority.add(path.asText()));
            fields.add("Priority", priority.isEmpty() ? null : String.join(", ", priority));
            fields.add("State", Output.text(restore, "state"));
            fields.add("Progress", Snapshots.progress(restore));
            fields.addIfPresent("Reason", Output.text(restore, "reason"));
            fields.add("Files", Output.text(restore, "files"));
            fields.add("Size", restore.hasNonNull("bytes") ? Snapshots.bytes(restore, "bytes") : null);
            fields.add("Duration", restore.hasNonNull("durationMs") ? Snapshots.duration(restore) : null);
            fields.add("Burst", Output.text(restore, "burstId"));
            fields.add("By", Output.text(restore, "requestedBy"));
            fields.addTimestamps(restore, now);
            return text.toString();
        }
    }

    /** {@code snapshot restore}: write a snapshot at a site, and with {@code --wait} follow it to its end. */
    @Command(name = "restore", mixinStandardHelpOptions = true, description = "Restore a snapshot at a site: the files appear under that site's filesystem.", footer = {
            "", "Example:", "  spillway snapshot restore 3f2a9c --site cloud --priority imagenet/val --wait" })
    static final class Restore extends ApiCommand {

        @Parameters(paramLabel = "SNAPSHOT", description = "Snapshot id, or its first 6+ characters; it must be UPLOADED.")
        String snapshot;

        @Option(names = "--site", required = true, description = "The site to write it at, e.g. cloud.")
        String site;

        @Option(names = "--filesystem", description = "The filesystem to write (default: the snapshot's).")
        String filesystem;

        @Option(names = "--priority", paramLabel = "PATH", description = "Bring this path (relative to the filesystem) online first; repeatable.")
        List<String> priorityPaths = new ArrayList<>();

        @Option(names = "--wait", description = "Wait until it is RESTORED (exit 0) or FAILED (exit 1), showing progress. Ctrl-C stops waiting, not the restore.")
        boolean await;

        @Override
        boolean needsAdminToken() {
            return true;
        }

        @Override
        int run(ApiClient client) throws InterruptedException {
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("snapshotId", Snapshots.resolve(client, Snapshots.SNAPSHOTS, snapshot));
            request.put("site", site);
            if (filesystem != null) {
                request.put("filesystem", filesystem);
            }
            if (!priorityPaths.isEmpty()) {
                request.put("priorityPaths", List.copyOf(priorityPaths));
            }
            JsonNode restore = client.post(Snapshots.RESTORES, request);
            String id = restore.path("id").asText();
            String where = restore.path("site").asText() + "/" + restore.path("filesystem").asText();
            if (!api.json()) {
                out().println("restore " + id + " of snapshot " + restore.path("snapshotId").asText() + " to " + where
                        + " requested");
                out().flush();
            }
            if (!await) {
                printJsonOr(restore, out -> out.println("  spillway snapshot describe --restore " + id
                        + "   # state, progress"));
                return ExitCodes.OK;
            }
            JsonNode ended = follow(this, client, Snapshots.path(Snapshots.RESTORES, id), Snapshots.RESTORE_ENDS);
            String state = ended.path("state").asText();
            printJsonOr(ended, out -> out.println("restore " + id + " " + state + ": " + ("RESTORED".equals(state)
                    ? Snapshots.restoreFigures(ended) + " at " + where
                    : ended.path("reason").asText("-"))));
            return "RESTORED".equals(state) ? ExitCodes.OK : ExitCodes.JOB_UNSUCCESSFUL;
        }
    }

    /** {@code snapshot delete}: ask snapshot-worker to delete uploaded snapshots. */
    @Command(name = "delete", aliases = "rm", mixinStandardHelpOptions = true, description = "Delete uploaded snapshots from the object store (chunks other snapshots share stay).")
    static final class Delete extends ApiCommand {

        @Parameters(arity = "1..*", paramLabel = "SNAPSHOT", description = "Snapshot ids, or their first 6+ characters.")
        List<String> snapshots = new ArrayList<>();

        @Override
        boolean needsAdminToken() {
            return true;
        }

        @Override
        int run(ApiClient client) {
            return forEachReportingFirstFailure(snapshots, snapshot -> delete(client, snapshot));
        }

        private void delete(ApiClient client, String snapshot) {
            String id = Snapshots.resolve(client, Snapshots.SNAPSHOTS, snapshot);
            deleteExplaining(client, Snapshots.path(Snapshots.SNAPSHOTS, id), ApiException::serverMessage,
                    "no snapshot " + id);
            out().println("snapshot " + id + " delete requested");
            out().flush();
        }
    }

    /** {@code snapshot check}: the repository verified, as {@code restic check [--read-data]} does. */
    @Command(name = "check", mixinStandardHelpOptions = true, description = {
            "Check the snapshot repository: every pack the index names exists and every snapshot's chunks are indexed;"
                    + " with --read-data, every pack is read and every chunk's hash verified. Names what is damaged"
                    + " and the snapshots and files it costs. Exit 0 when nothing is, 1 when something is." })
    static final class Check extends ApiCommand {

        @Option(names = "--read-data", description = "Read every pack and hash every chunk (reads the whole repository).")
        boolean readData;

        @Option(names = "--site", description = "The site whose snapshot-worker checks (default: the home site).")
        String site;

        @Override
        boolean needsAdminToken() {
            return true;
        }

        @Override
        int run(ApiClient client) {
            JsonNode report = client.send("POST", ApiClient.withQuery("/api/v1/snapshots/check",
                    java.util.Collections.singletonMap("site", site)), Map.of("readData", readData), Map.of(),
                    Duration.ofHours(2)).body();
            printJsonOr(report, out -> {
                out.printf("%s: %s packs, %s chunks, %s snapshots checked; %s read in %.1fs%n",
                        report.path("ok").asBoolean() ? "no damage" : "DAMAGED", Output.number(report.path(
                                "packsChecked")),
                        Output.number(report.path("chunksChecked")),
                        Output.number(report.path("manifestsChecked")), Snapshots.bytes(report.path("bytesRead")
                                .asLong()),
                        report.path("durationMs").asLong() / 1000.0);
                for (JsonNode problem : report.path("problems")) {
                    out.println("  " + Output.text(problem, "kind") + ": " + Output.text(problem, "message"));
                    for (JsonNode snapshot : problem.path("snapshots")) {
                        out.println("    snapshot " + Output.text(snapshot, "snapshotId") + ": "
                                + snapshot.path("files").asInt() + " file(s), e.g. "
                                + String.join(", ", Output.JSON.convertValue(snapshot.path("paths"),
                                        String[].class)));
                    }
                }
                if (!report.path("damagedSnapshots").isEmpty()) {
                    out.println("Snapshots a restore may fail for: " + report.path("damagedSnapshots"));
                }
            });
            return report.path("ok").asBoolean() ? ExitCodes.OK : ExitCodes.JOB_UNSUCCESSFUL;
        }
    }

    /** {@code snapshot restores}: the restores, newest first. */
    @Command(name = "restores", mixinStandardHelpOptions = true, description = "List restores, newest first: yours and those of a burst.")
    static final class ListRestores extends ApiCommand {

        @Option(names = "--filesystem", description = "Only restores of this filesystem.")
        String filesystem;

        @Option(names = "--site", description = "Only restores at this site.")
        String site;

        @Option(names = "--snapshot", description = "Only restores of this snapshot (full id).")
        String snapshotId;

        @Option(names = "--limit", defaultValue = "50", description = "Restores to show (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        int run(ApiClient client) {
            JsonNode page = fetchPage(client, Snapshots.RESTORES, site, filesystem, "snapshotId", snapshotId, limit);
            JsonNode items = page.path("items");
            printPage(page, items, () -> table(items, Instant.now()), "no restores", null);
            return ExitCodes.OK;
        }

        static Table table(Iterable<JsonNode> restores, Instant now) {
            Table table = Table.of("ID", "SNAPSHOT", "SITE", "FILESYSTEM", "STATE", "FILES", "SIZE", "AGE", "REASON");
            for (JsonNode restore : restores) {
                table.row(Jobs.shortId(Output.text(restore, "id")), Jobs.shortId(Output.text(restore, "snapshotId")),
                        Output.text(restore, "site"), Output.text(restore, "filesystem"), Output.text(restore, "state"),
                        Output.text(restore, "files"),
                        restore.hasNonNull("bytes") ? Snapshots.bytes(restore, "bytes") : null,
                        Output.age(Output.text(restore, "createdAt"), now),
                        Table.truncate(Output.text(restore, "reason"), 48));
            }
            return table;
        }
    }

    /**
     * The newest page of {@code collection} (snapshots or restores), narrowed to a site and a filesystem when given and
     * by the collection's own {@code filter}.
     */
    static JsonNode fetchPage(ApiClient client, String collection, String site, String filesystem, String filter,
            String filterValue, int limit) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("site", site);
        query.put("filesystem", filesystem);
        query.put(filter, filterValue);
        query.put("limit", limit);
        return client.get(ApiClient.withQuery(collection, query));
    }

    /**
     * Polls {@code path} until its state is one of {@code ends}, printing each new state and progress on stderr (not
     * with {@code -o json}).
     */
    static JsonNode follow(ApiCommand command, ApiClient client, String path, Set<String> ends)
            throws InterruptedException {
        String last = null;
        while (true) {
            JsonNode item = client.get(path);
            String state = item.path("state").asText();
            String progress = Snapshots.progress(item);
            String line = "  " + state + (progress == null || ends.contains(state) ? "" : ": " + progress);
            if (!line.equals(last) && !command.api.json()) {
                command.err().println(line);
                command.err().flush();
            }
            last = line;
            if (ends.contains(state)) {
                return item;
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
    }
}
