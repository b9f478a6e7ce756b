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
        printJsonOr(found, out -> out.print(render(found, Instant.now())));
        return ExitCodes.OK;
    }

    /** The job as a readable block; times relative to {@code now}. */
    static String render(JsonNode job, Instant now) {
        StringBuilder text = new StringBuilder();
        DetailLines fields = new DetailLines(text, "", 11);
        fields.add("Id", Output.text(job, "id"));
        fields.add("Name", Output.text(job, "name"));
        fields.add("Project", Output.text(job, "project"));
        fields.add("Site", Output.text(job, "site"));
        fields.add("State", Output.text(job, "state"));
        fields.addIfPresent("Pending", Output.text(job, "pendingReason"));
        fields.add("Node", Output.text(job, "node"));
        fields.add("GPUs", Output.text(job, "gpus"));
        fields.add("Exit code", Output.text(job, "exitCode"));
        fields.addTimestamps(job, now);

        JsonNode spec = job.path("spec");
        text.append("Spec:\n");
        DetailLines specFields = new DetailLines(text, "  ", 11);
        specFields.addIfPresent("Command", spec.path("command").isArray() ? Jobs.shellWords(spec.path("command")) : null);
        specFields.addIfPresent("Image", Output.text(spec, "image"));
        specFields.addIfPresent("GPU", gpu(spec));
        specFields.addIfPresent("CPU", Output.number(spec.path("cpu")));
        specFields.addIfPresent("Memory",
                Output.text(spec, "memoryMiB") == null ? null : spec.path("memoryMiB").asText() + " MiB");
        specFields.addIfPresent("Workers", Output.text(spec, "workers"));
        specFields.addIfPresent("Priority", Output.text(spec, "priority"));
        specFields.addIfPresent("Node pool", Output.text(spec, "nodePool"));
        specFields.addIfPresent("Burstable", Output.text(spec, "burstable"));
        List<String> volumes = new ArrayList<>();
        spec.path("volumes").forEach(volume -> volumes.add(volume(volume)));
        specFields.addIfPresent("Volumes", volumes.isEmpty() ? null : String.join(", ", volumes));
        List<String> env = new ArrayList<>();
        spec.path("env").fields().forEachRemaining(e -> env.add(e.getKey() + "=" + e.getValue().asText()));
        specFields.addIfPresent("Env", env.isEmpty() ? null : String.join(" ", env));

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
}
