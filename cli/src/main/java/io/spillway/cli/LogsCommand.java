package io.spillway.cli;

import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code spillway logs}: a job's output (stdout and stderr), once or followed until the job ends. */
@Command(name = "logs", mixinStandardHelpOptions = true, description = "Print a job's output; -f follows it until the job ends (and waits for a pending job to start).")
final class LogsCommand extends ApiCommand {

    private static final Duration RETRY = Duration.ofSeconds(1);

    @Parameters(paramLabel = "JOB", description = "Job id, its first 6+ characters, or its name.")
    String job;

    @Option(names = { "-f", "--follow" }, description = "Keep printing new output until the job ends.")
    boolean follow;

    @Override
    int run(ApiClient client) throws InterruptedException {
        String id = Jobs.resolve(client, job);
        String path = ApiClient.withQuery(Jobs.path(id) + "/logs", Map.of("follow", follow));
        boolean toldWaiting = false;
        while (true) {
            try {
                client.stream(path, out());
                return ExitCodes.OK;
            } catch (ApiException e) {
                if (e.status() != 409) {
                    throw e;
                }
                JsonNode current = client.get(Jobs.path(id));
                String state = current.path("state").asText();
                String reason = Output.text(current, "pendingReason");
                String situation = "state " + state + (reason == null ? "" : ": " + reason);
                if (Jobs.isFinal(state)) {
                    err().println("job " + id + " ended (" + state + ") without output");
                    err().flush();
                    return ExitCodes.OK;
                }
                if (!follow) {
                    throw new CliException(ExitCodes.REFUSED, "job " + id + " has no output yet (" + situation
                            + "); `spillway logs -f " + id + "` waits for it");
                }
                if (!toldWaiting) {
                    err().println("waiting for job to start (" + situation + ")");
                    err().flush();
                    toldWaiting = true;
                }
                Thread.sleep(RETRY.toMillis());
            }
        }
    }
}
