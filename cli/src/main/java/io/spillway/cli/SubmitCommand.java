package io.spillway.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code spillway submit}: submits a job with the flags a researcher knows from {@code docker run} and Run:ai. */
@Command(name = "submit", sortOptions = false, mixinStandardHelpOptions = true, description = {
        "Submit a job. Everything after the options (or after --) is the job's command; its first word is taken as "
                + "the image when it looks like one (has a / or a :tag, e.g. pytorch/pytorch:2.3) and --image is "
                + "not given.",
        "Examples:",
        "  spillway submit -g 0.5 -v data:/data:ro -- python train.py --epochs 3",
        "  spillway submit --interactive --gpu-memory 8Gi pytorch/pytorch:2.3 jupyter lab",
        "  spillway submit --wait -- sh -c 'echo hello'" })
final class SubmitCommand extends ApiCommand {

    static final Set<String> PRIORITIES = Set.of("train", "build", "interactive", "inference");

    @Option(names = { "-n", "--name" }, description = "Job name (default: generated, job-xxxxxx).")
    String name;

    @Option(names = { "-p", "--project" }, description = "Project (default: the token's project).")
    String project;

    @Option(names = "--image", description = "Container image.")
    String image;

    @Option(names = { "-g", "--gpu" }, paramLabel = "GPUS", description = "GPUs per worker: a fraction (0.5) or a count (2).")
    Double gpu;

    @Option(names = "--gpu-memory", paramLabel = "SIZE", converter = Mebibytes.class, description = "GPU memory per worker: MiB (8192) or 8Gi, 512Mi.")
    Integer gpuMemoryMiB;

    @Option(names = "--cpu", paramLabel = "CPUS", description = "CPUs per worker.")
    Double cpu;

    @Option(names = "--memory", paramLabel = "SIZE", converter = Mebibytes.class, description = "Memory per worker: MiB or 16Gi, 512Mi.")
    Integer memoryMiB;

    @Option(names = { "-v",
            "--volume" }, paramLabel = "FS[/SUB]:/MNT[:ro]", description = "Mount a filesystem (repeatable), e.g. data/imagenet:/data:ro.")
    List<String> volumes = new ArrayList<>();

    @Option(names = { "-e",
            "--env" }, paramLabel = "K=V", description = "Environment variable (repeatable); -e K passes K's value from this shell, as docker does.")
    List<String> environment = new ArrayList<>();

    @Option(names = "--interactive", description = "Interactive job: priority interactive, never preempted, never burst to the cloud.")
    boolean interactive;

    @Option(names = "--priority", paramLabel = "train|build|interactive|inference", converter = PriorityConverter.class, description = "Priority class.")
    String priority;

    @Option(names = "--preemptible", description = "May be preempted (priority train).")
    boolean preemptible;

    @Option(names = "--non-preemptible", description = "Must not be preempted (priority build).")
    boolean nonPreemptible;

    @Option(names = "--workers", paramLabel = "N", description = "Number of workers (distributed training).")
    Integer workers;

    @Option(names = "--node-pool", paramLabel = "POOL", description = "Run only on nodes of this pool.")
    String nodePool;

    @Option(names = "--no-burst", description = "Never burst this job to the cloud site.")
    boolean noBurst;

    @Option(names = "--site", description = "Run at this site (default: the scheduler decides).")
    String site;

    @Option(names = "--idempotency-key", paramLabel = "KEY", description = "Submitting again with the same key returns the first job instead of a new one.")
    String idempotencyKey;

    @Option(names = "--wait", description = "Wait until the job ends; exit 0 if it SUCCEEDED, 1 otherwise. Ctrl-C stops waiting, not the job.")
    boolean await;

    @Parameters(arity = "1..*", paramLabel = "[IMAGE] COMMAND", description = "The command, and optionally the image before it.")
    List<String> words = new ArrayList<>();

    /** Anything after the first command word belongs to the job, as with {@code docker run}. */
    @Spec
    void stopAtCommand(CommandSpec spec) {
        spec.parser().stopAtPositional(true);
    }

    @Override
    int run(ApiClient client) throws InterruptedException {
        Map<String, Object> request = request(env());
        Map<String, String> headers = idempotencyKey == null ? Map.of() : Map.of("Idempotency-Key", idempotencyKey);
        ApiClient.Response created = client.send("POST", "/api/v1/jobs", request, headers);
        JsonNode job = created.body();
        String id = job.path("id").asText();
        if (!await) {
            if (!printedJson(job)) {
                printSubmitted(job, created.status() == 200);
            }
            return ExitCodes.OK;
        }
        if (!api.json()) {
            printSubmitted(job, created.status() == 200);
        }
        JsonNode ended = awaitEnd(client, id);
        String state = ended.path("state").asText();
        if (!printedJson(ended)) {
            String exitCode = Output.text(ended, "exitCode");
            out().println("job " + id + " " + state + (exitCode == null ? "" : " (exit code " + exitCode + ")"));
        }
        return "SUCCEEDED".equals(state) ? ExitCodes.OK : ExitCodes.JOB_UNSUCCESSFUL;
    }

    /** The API request these flags and words stand for; {@code environment} feeds {@code -e K}. */
    Map<String, Object> request(Map<String, String> environment) {
        Map<String, Object> request = new LinkedHashMap<>();
        List<String> command = new ArrayList<>(words);
        String chosenImage = image;
        if (chosenImage == null && command.size() > 1 && looksLikeImage(command.get(0))) {
            chosenImage = command.remove(0);
        }
        putIfSet(request, "name", name);
        putIfSet(request, "project", project);
        putIfSet(request, "image", chosenImage);
        request.put("command", command);
        putIfSet(request, "gpu", gpu);
        putIfSet(request, "gpuMemoryMiB", gpuMemoryMiB);
        putIfSet(request, "cpu", cpu);
        putIfSet(request, "memoryMiB", memoryMiB);
        putIfSet(request, "workers", workers);
        putIfSet(request, "priority", priority());
        if (!volumes.isEmpty()) {
            request.put("volumes", List.copyOf(volumes));
        }
        Map<String, String> env = env(environment);
        if (!env.isEmpty()) {
            request.put("env", env);
        }
        putIfSet(request, "nodePool", nodePool);
        putIfSet(request, "burstable", interactive || noBurst ? Boolean.FALSE : null);
        putIfSet(request, "site", site);
        return request;
    }

    /** An image reference has a registry path or a tag; a command word like {@code python} or {@code ./run} does not. */
    static boolean looksLikeImage(String word) {
        return !word.startsWith("/") && !word.startsWith(".") && !word.startsWith("-") && !word.contains("=")
                && (word.contains("/") || word.contains(":")) && word.matches("[A-Za-z0-9._/:@-]+");
    }

    /**
     * {@code --interactive} means priority interactive; {@code --preemptible} means train; {@code --non-preemptible}
     * means build. An explicit {@code --priority} that contradicts them is a usage error, not a silent choice.
     */
    private String priority() {
        if (preemptible && nonPreemptible) {
            throw usage("--preemptible and --non-preemptible contradict each other");
        }
        if (interactive && preemptible) {
            throw usage("interactive jobs are never preempted; drop --preemptible, or use --priority train");
        }
        if (priority == null) {
            return interactive ? "interactive" : preemptible ? "train" : nonPreemptible ? "build" : null;
        }
        if (interactive && !"interactive".equals(priority)) {
            throw usage("--priority " + priority + " contradicts --interactive");
        }
        if (preemptible && !"train".equals(priority)) {
            throw usage("--priority " + priority + " is not preemptible; it contradicts --preemptible");
        }
        if (nonPreemptible && "train".equals(priority)) {
            throw usage("--priority train is preemptible; it contradicts --non-preemptible");
        }
        return priority;
    }

    private Map<String, String> env(Map<String, String> environment) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String entry : this.environment) {
            int equals = entry.indexOf('=');
            if (equals == 0) {
                throw usage("-e " + entry + ": the variable has no name; use -e NAME=value");
            }
            if (equals > 0) {
                env.put(entry.substring(0, equals), entry.substring(equals + 1));
            } else if (environment.containsKey(entry)) {
                env.put(entry, environment.get(entry));
            } else {
                // docker run does the same: an unset variable is simply not passed.
                err().println("warning: -e " + entry + ": " + entry + " is not set here, so the job does not get it");
            }
        }
        return env;
    }

    private JsonNode awaitEnd(ApiClient client, String id) throws InterruptedException {
        String lastState = null;
        while (true) {
            JsonNode job = client.get(Jobs.path(id));
            String state = job.path("state").asText();
            if (!state.equals(lastState) && !api.json()) {
                String reason = Output.text(job, "pendingReason");
                err().println("  " + state + (reason == null ? "" : ": " + reason));
                err().flush();
            }
            lastState = state;
            if (Jobs.isFinal(state)) {
                return job;
            }
            Thread.sleep(Duration.ofSeconds(1).toMillis());
        }
    }

    private void printSubmitted(JsonNode job, boolean replayed) {
        String id = job.path("id").asText();
        out().println("job " + id + (replayed ? " was already submitted with this idempotency key" : " submitted")
                + " (" + job.path("name").asText() + ", project " + job.path("project").asText() + ")");
        out().println("  spillway describe " + id + "   # state, reason, history");
        out().println("  spillway logs -f " + id + "    # follow its output");
        out().flush();
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private static void putIfSet(Map<String, Object> request, String field, Object value) {
        if (value != null) {
            request.put(field, value);
        }
    }

    /** The four priority classes, in any case. */
    static final class PriorityConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String priority = value.trim().toLowerCase(Locale.ROOT);
            if (!PRIORITIES.contains(priority)) {
                throw new TypeConversionException("'" + value + "' is not a priority; use train, build, interactive "
                        + "or inference");
            }
            return priority;
        }
    }
}
