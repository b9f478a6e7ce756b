package io.spillway.cli;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code spillway delete} (alias {@code cancel}): cancels jobs. */
@Command(name = "delete", aliases = "cancel", mixinStandardHelpOptions = true, description = "Cancel jobs. A job that already ended is left as it is (exit code 3).")
final class DeleteCommand extends ApiCommand {

    @Parameters(arity = "1..*", paramLabel = "JOB", description = "Job ids, their first 6+ characters, or names.")
    List<String> jobs = new ArrayList<>();

    @Override
    int run(ApiClient client) {
        return forEachReportingFirstFailure(jobs, job -> cancel(client, job));
    }

    private void cancel(ApiClient client, String job) {
        String id = Jobs.resolve(client, job);
        JsonNode answer = deleteExplaining(client, Jobs.path(id),
                e -> "job " + id + " has already ended; nothing to cancel (" + e.serverMessage() + ")",
                "no job " + id + " that this token can see");
        if (!api.json()) {
            out().println("job " + id + " cancel requested");
        } else if (answer != null) {
            out().println(Output.pretty(answer));
        }
        out().flush();
    }
}
