package io.spillway.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.spillway.cli.stack.LocalStack;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code spillway demo}: the reference burst scenario on the local stack, told as a timeline; exit 0 only when every
 * job succeeded and every result is home.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false, description = {
        "Run the burst scenario: a generated dataset at onprem (2 GPUs), N burstable train jobs that read it and write "
                + "a result; the queue overflows, the data moves to cloud (8 GPUs), jobs run there, their results "
                + "come home. Prints a timeline; exit 0 only when every job SUCCEEDED and every result is in onprem's "
                + "'results' filesystem.",
        "Starts the local stack (`spillway up`) when it is not running, and stops it afterwards unless --keep." })
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--jobs", defaultValue = "15", description = "Train jobs to submit, 1 to 100 (default ${DEFAULT-VALUE}); more than 12 overflow onprem's queue (threshold 10, 2 run).")
    int jobs;

    @Option(names = "--dataset-mib", defaultValue = "64", description = "Size of the generated dataset in MiB, 1 to 4096 (default ${DEFAULT-VALUE}).")
    int datasetMib;

    @Option(names = "--job-seconds", defaultValue = "10", description = "How long each job trains after reading the dataset, 0 to 3600 (default ${DEFAULT-VALUE}).")
    int jobSeconds;

    @Option(names = "--timeout", defaultValue = "600", description = "Seconds to wait for the jobs and the burst (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--dataset", defaultValue = BurstDemo.DATASETS, description = "Filesystem the dataset is written into (default ${DEFAULT-VALUE}); a new name starts from a first, full snapshot.")
    String dataset;

    @Option(names = "--shards", defaultValue = "0", description = "0 to 100: the dataset as that many directories shard-00.., each job mounting only its shard (round robin); 0 (default): every job mounts the whole dataset.")
    int shards;

    @Option(names = "--change-percent", defaultValue = "0", description = "0 to 100: before submitting, rewrite that share of the dataset's bytes in place (new mtimes), so the next snapshot is incremental (default ${DEFAULT-VALUE}).")
    double changePercent;

    @Option(names = "--timing-json", paramLabel = "FILE", description = "Also write the time to the first burst job, by phase, as JSON into FILE.")
    Path timingJson;

    @Option(names = "--keep", description = "Leave the stack running afterwards when the demo started it.")
    boolean keep;

    @Option(names = "--project", description = "Project of the jobs (default: the credentials file's project).")
    String project;

    @Option(names = "--storage-url", description = "The home site's storage-agent (default http://127.0.0.1:8083, as `spillway up` runs it).")
    String storageUrl;

    @Option(names = "--burst-url", description = "The burst-coordinator (default http://127.0.0.1:8086, as `spillway up` runs it).")
    String burstUrl;

    @Mixin
    ApiOptions api;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        validate();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean startedStack = false;
        try {
            CliConfig config = CliConfig.resolve(env(), api.url, api.token, false);
            if (!ready(config.url())) {
                if (!CliConfig.DEFAULT_URL.equals(config.url())) {
                    throw new CliException(ExitCodes.UNREACHABLE, "Spillway at " + config.url()
                            + " is not ready; the demo starts only the local stack (at " + CliConfig.DEFAULT_URL + ")");
                }
                out.println("The local stack is not running: starting it (spillway up).");
                out.flush();
                int up = new CommandLine(new UpCommand()).execute();
                if (up != 0) {
                    err.println("spillway up failed (exit code " + up + "); see .spillway/logs");
                    err.flush();
                    return up;
                }
                startedStack = true;
                config = CliConfig.resolve(env(), api.url, api.token, false);
            }
            return demo(config, out);
        } catch (CliException e) {
            return e.reportTo(err);
        } finally {
            if (startedStack && !keep) {
                out.println("Stopping the stack the demo started (--keep leaves it running).");
                out.flush();
                new CommandLine(new DownCommand()).execute();
            }
        }
    }

    /**
     * The service credential for the storage-agent's and burst-coordinator's internal APIs: {@code
     * SPILLWAY_SERVICE_TOKEN}, else the one {@code spillway up} wrote into the credentials file.
     */
    private String serviceToken(CliConfig config) {
        String fromEnv = env().get("SPILLWAY_SERVICE_TOKEN");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.trim();
        }
        try {
            return Credentials.read(config.credentialsFile()).map(Credentials::serviceToken)
                    .orElseThrow(() -> new CliException(ExitCodes.NOT_AUTHORIZED, "no service credential: set"
                            + " SPILLWAY_SERVICE_TOKEN or run `bin/spillway up`, which writes "
                            + config.credentialsFile()));
        } catch (java.io.IOException e) {
            throw new CliException(ExitCodes.NOT_AUTHORIZED, "cannot read " + config.credentialsFile() + ": "
                    + e.getMessage());
        }
    }

    private int demo(CliConfig config, PrintWriter out) throws InterruptedException {
        if (config.token() == null) {
            throw new CliException(ExitCodes.NOT_AUTHORIZED, "no token: pass --token, set SPILLWAY_TOKEN, or run "
                    + "`bin/spillway up`, which writes " + config.credentialsFile());
        }
        BurstDemo.Settings settings = new BurstDemo.Settings(config.url(),
                storageUrl != null ? storageUrl : LocalStack.defaultUrl("storage-agent-onprem"),
                burstUrl != null ? burstUrl : LocalStack.defaultUrl("burst-coordinator"), config.token(),
                serviceToken(config), project != null ? project : projectOf(config), jobs, datasetMib, jobSeconds,
                Duration.ofSeconds(timeoutSeconds), dataset, shards, changePercent);
        out.println("Burst demo: " + jobs + " jobs, " + datasetMib + " MiB dataset, onprem (" + LocalStack.ONPREM_GPUS
                + " GPUs) -> cloud (" + LocalStack.CLOUD_GPUS + " GPUs)");
        out.flush();
        BurstDemo.Outcome outcome = new BurstDemo(settings, out).run();
        out.println();
        out.println("Timeline");
        outcome.timeline().forEach(out::println);
        out.println();
        out.println(outcome.jobIds().size() + " jobs, " + outcome.reroutedJobIds().size() + " ran at cloud"
                + (outcome.burstId() == null ? "" : " (burst " + outcome.burstId() + " " + outcome.burstPhase() + ")"));
        outcome.timing().ifPresentOrElse(timing -> out.println(timing.line()),
                () -> out.println("no job of a burst started at the burst site: no time to the first burst job"));
        if (timingJson != null) {
            writeTiming(outcome);
        }
        if (outcome.succeeded()) {
            out.println("OK: every job SUCCEEDED and every result is in onprem's 'results' filesystem");
            out.flush();
            return ExitCodes.OK;
        }
        out.println("NOT OK:");
        outcome.problems().forEach(problem -> out.println("  - " + problem));
        out.flush();
        return ExitCodes.JOB_UNSUCCESSFUL;
    }

    /** The run and its timing ({@code null} without a burst job) for scripts that compare runs. */
    private void writeTiming(BurstDemo.Outcome outcome) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("dataset", dataset);
        json.put("datasetMib", datasetMib);
        json.put("shards", shards);
        json.put("changePercent", changePercent);
        json.put("jobs", jobs);
        json.put("succeeded", outcome.succeeded());
        json.put("timing", outcome.timing().map(BurstTiming::json).orElse(null));
        try {
            Output.JSON.writeValue(timingJson.toFile(), json);
        } catch (IOException e) {
            throw new CliException(ExitCodes.JOB_UNSUCCESSFUL, "cannot write " + timingJson + ": " + e.getMessage(),
                    List.of(), e);
        }
    }

    /** Checks the numbers before anything starts, so a typo costs nothing. */
    void validate() {
        require(jobs >= 1 && jobs <= 100, "--jobs must be between 1 and 100, not " + jobs);
        require(datasetMib >= 1 && datasetMib <= 4096, "--dataset-mib must be between 1 and 4096, not " + datasetMib);
        require(jobSeconds >= 0 && jobSeconds <= 3600, "--job-seconds must be between 0 and 3600, not " + jobSeconds);
        require(shards >= 0 && shards <= 100, "--shards must be between 0 and 100, not " + shards);
        require(changePercent >= 0 && changePercent <= 100,
                "--change-percent must be between 0 and 100, not " + changePercent);
        require(dataset.length() <= 63 && dataset.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?"),
                "--dataset must be a filesystem name (lower-case letters, digits, '-'), not '" + dataset + "'");
        require(timeoutSeconds >= 1, "--timeout must be at least 1 second, not " + timeoutSeconds);
    }

    private void require(boolean valid, String message) {
        if (!valid) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }

    private String projectOf(CliConfig config) {
        try {
            return Credentials.read(config.credentialsFile()).map(Credentials::project)
                    .orElse(Credentials.DEFAULT_PROJECT);
        } catch (IOException e) {
            return Credentials.DEFAULT_PROJECT;
        }
    }

    private static boolean ready(String url) {
        try {
            HttpResponse<Void> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
                    .send(HttpRequest.newBuilder(URI.create(url + "/q/health/ready")).timeout(Duration.ofSeconds(5))
                            .build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private Map<String, String> env() {
        return SpillwayCli.env(spec);
    }
}
