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

    /** Goes through every job even when one fails; the exit code is that of the first failure. */
    @Override
    int run(ApiClient client) {
        int exitCode = ExitCodes.OK;
        for (String job : jobs) {
            int result = cancel(client, job);
            if (exitCode == ExitCodes.OK) {
                exitCode = result;
            }
        }
        return exitCode;
    }

    private int cancel(ApiClient client, String job) {
        try {
            String id = Jobs.resolve(client, job);
            JsonNode answer;
            try {
                answer = client.delete(Jobs.path(id));
            } catch (ApiException e) {
                if (e.status() == 409) {
                    throw new CliException(ExitCodes.REFUSED, "job " + id + " has already ended; nothing to cancel ("
                            + e.serverMessage() + ")");
                }
                if (e.status() == 404) {
                    throw new CliException(ExitCodes.NOT_FOUND, "no job " + id + " that this token can see");
                }
                throw e;
            }
            if (!api.json()) {
                out().println("job " + id + " cancel requested");
            } else if (answer != null) {
                out().println(Output.pretty(answer));
            }
            out().flush();
            return ExitCodes.OK;
        } catch (CliException e) {
            err().println(e.getMessage());
            e.details().forEach(err()::println);
            err().flush();
            return e.exitCode();
        }
    }
}
