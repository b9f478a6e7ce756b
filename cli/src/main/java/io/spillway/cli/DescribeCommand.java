package io.spillway.cli;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code spillway describe}: one job, its spec and its history as a timeline. */
@Command(name = "describe", mixinStandardHelpOptions = true, description = "Show a job: state, why it waits, where it runs, its spec and its history.")
final class DescribeCommand extends ApiCommand {

    @Parameters(paramLabel = "JOB", description = "Job id, its first 6+ characters, or its name.")
    String job;

    @Override
    int run(ApiClient client) {
        JsonNode found = client.get(Jobs.path(Jobs.resolve(client, job)));
        if (!printedJson(found)) {
            out().print(render(found, Instant.now()));
            out().flush();
        }
        return ExitCodes.OK;
    }

    /** The job as a readable block; times relative to {@code now}. */
    static String render(JsonNode job, Instant now) {
        StringBuilder text = new StringBuilder();
        field(text, "Id", Output.text(job, "id"));
        field(text, "Name", Output.text(job, "name"));
        field(text, "Project", Output.text(job, "project"));
        field(text, "Site", Output.text(job, "site"));
        field(text, "State", Output.text(job, "state"));
        if (Output.text(job, "pendingReason") != null) {
            field(text, "Pending", Output.text(job, "pendingReason"));
        }
        field(text, "Node", Output.text(job, "node"));
        field(text, "GPUs", Output.text(job, "gpus"));
        field(text, "Exit code", Output.text(job, "exitCode"));
        String created = Output.text(job, "createdAt");
        field(text, "Created", created == null ? null : created + " (" + Output.age(created, now) + " ago)");
        field(text, "Updated", Output.text(job, "updatedAt"));

        JsonNode spec = job.path("spec");
        text.append("Spec:\n");
        specField(text, "Command", spec.path("command").isArray() ? Jobs.shellWords(spec.path("command")) : null);
        specField(text, "Image", Output.text(spec, "image"));
        specField(text, "GPU", gpu(spec));
        specField(text, "CPU", Output.number(spec.path("cpu")));
        specField(text, "Memory", Output.text(spec, "memoryMiB") == null ? null : spec.path("memoryMiB").asText() + " MiB");
        specField(text, "Workers", Output.text(spec, "workers"));
        specField(text, "Priority", Output.text(spec, "priority"));
        specField(text, "Node pool", Output.text(spec, "nodePool"));
        specField(text, "Burstable", Output.text(spec, "burstable"));
        List<String> volumes = new ArrayList<>();
        spec.path("volumes").forEach(volume -> volumes.add(volume(volume)));
        specField(text, "Volumes", volumes.isEmpty() ? null : String.join(", ", volumes));
        List<String> env = new ArrayList<>();
        spec.path("env").fields().forEachRemaining(e -> env.add(e.getKey() + "=" + e.getValue().asText()));
        specField(text, "Env", env.isEmpty() ? null : String.join(" ", env));

        text.append("History:\n");
        JsonNode history = job.path("history");
        if (!history.isArray() || history.isEmpty()) {
            text.append("  (none yet)\n");
        } else {
            Table timeline = Table.of("TIME", "EVENT", "DETAILS");
            history.forEach(event -> timeline.row(Output.text(event, "time"), shortType(Output.text(event, "type")),
                    facts(event.path("data"))));
            timeline.renderRows().lines().forEach(line -> text.append("  ").append(line).append('\n'));
        }
        return text.toString();
    }

    /** {@code io.spillway.JobPending.v1} → {@code JobPending}. */
    static String shortType(String type) {
        if (type == null) {
            return "?";
        }
        String name = type.startsWith("io.spillway.") ? type.substring("io.spillway.".length()) : type;
        return name.replaceFirst("\\.v\\d+$", "");
    }

    /** The facts of an event worth a line: reason, placements, the sites of a reroute, the exit code. */
    static String facts(JsonNode data) {
        List<String> facts = new ArrayList<>();
        for (JsonNode placement : data.path("placements")) {
            List<String> gpuIds = new ArrayList<>();
            placement.path("gpuIds").forEach(id -> gpuIds.add(id.asText()));
            String fraction = Output.number(placement.path("gpuFraction"));
            facts.add(placement.path("node").asText("?") + " gpu " + String.join(",", gpuIds)
                    + (fraction == null || "1".equals(fraction) ? "" : " @" + fraction));
        }
        if (data.hasNonNull("fromSite") || data.hasNonNull("toSite")) {
            facts.add(data.path("fromSite").asText("?") + " -> " + data.path("toSite").asText("?"));
        }
        if (data.hasNonNull("exitCode")) {
            facts.add("exit code " + data.get("exitCode").asText());
        }
        if (data.hasNonNull("reason")) {
            facts.add("reason: " + data.get("reason").asText());
        }
        return String.join("; ", facts);
    }

    private static String gpu(JsonNode spec) {
        String gpu = Output.number(spec.path("gpu"));
        String memory = Output.text(spec, "gpuMemoryMiB");
        if (gpu == null && memory == null) {
            return null;
        }
        return (gpu == null ? "-" : gpu) + (memory == null ? "" : " (" + memory + " MiB GPU memory)");
    }

    private static String volume(JsonNode volume) {
        String subpath = Output.text(volume, "subpath");
        return volume.path("filesystem").asText() + (subpath == null ? "" : "/" + subpath) + ":"
                + volume.path("mountPath").asText() + (volume.path("readOnly").asBoolean() ? ":ro" : "");
    }

    private static void field(StringBuilder text, String label, String value) {
        text.append(String.format("%-11s%s\n", label + ":", value == null ? "-" : value));
    }

    private static void specField(StringBuilder text, String label, String value) {
        if (value != null) {
            text.append(String.format("  %-11s%s\n", label + ":", value));
        }
    }
}
