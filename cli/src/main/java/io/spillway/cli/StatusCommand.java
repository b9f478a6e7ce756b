package io.spillway.cli;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;

/** {@code spillway status}: capacity and queues per site and per project. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "GPUs, pending and running jobs per site and per project.")
final class StatusCommand extends ApiCommand {

    @Override
    int run(ApiClient client) {
        JsonNode status = client.get("/api/v1/status");
        printJsonOr(status, out -> out.print(render(status)));
        return ExitCodes.OK;
    }

    /** The sites table, then the projects table. */
    static String render(JsonNode status) {
        Table sites = Table.of("SITE", "GPUS", "IN-USE", "PENDING", "RUNNING");
        boolean unreachable = false;
        for (JsonNode site : status.path("sites")) {
            String gpus = Output.number(site.path("gpus"));
            unreachable |= gpus == null;
            sites.row(Output.text(site, "site"), gpus == null ? "?" : gpus, Output.number(site.path("gpusInUse")),
                    Output.text(site, "pending"), Output.text(site, "running"));
        }
        Table projects = Table.of("PROJECT", "SITE", "PENDING", "RUNNING", "IN-USE", "DESERVED", "LIMIT");
        for (JsonNode project : status.path("projects")) {
            projects.row(Output.text(project, "project"), Output.text(project, "site"), Output.text(project,
                    "pending"), Output.text(project, "running"), Output.number(project.path("gpusInUse")),
                    Output.number(project.path("deservedGpus")), Output.number(project.path("limitGpus")));
        }
        StringBuilder text = new StringBuilder(sites.render());
        if (unreachable) {
            text.append("(? = the site's scheduler did not answer)\n");
        }
        text.append('\n').append(projects.render());
        return text.toString();
    }
}
