package io.spillway.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SubmitCommandTest {

    private final StringWriter warnings = new StringWriter();

    @Test
    void mapsDockerStyleFlagsToTheJobRequest() {
        Map<String, Object> request = request(Map.of("HF_TOKEN", "hf_secret"), "-n", "train-1", "-p", "vision",
                "-g", "0.5", "--gpu-memory", "8Gi", "--cpu", "4", "--memory", "16Gi", "-v", "data/imagenet:/data:ro",
                "-v", "scratch:/scratch", "-e", "EPOCHS=3", "-e", "HF_TOKEN", "--workers", "2", "--node-pool", "a100",
                "--site", "onprem", "--", "python", "train.py");

        assertEquals(Map.ofEntries(Map.entry("name", "train-1"), Map.entry("project", "vision"),
                Map.entry("command", List.of("python", "train.py")), Map.entry("gpu", 0.5),
                Map.entry("gpuMemoryMiB", 8192), Map.entry("cpu", 4.0), Map.entry("memoryMiB", 16384),
                Map.entry("workers", 2), Map.entry("volumes", List.of("data/imagenet:/data:ro", "scratch:/scratch")),
                Map.entry("env", Map.of("EPOCHS", "3", "HF_TOKEN", "hf_secret")), Map.entry("nodePool", "a100"),
                Map.entry("site", "onprem")), request);
    }

    @Test
    void sendsOnlyWhatWasGivenSoTheServerAppliesItsDefaults() {
        assertEquals(Map.of("command", List.of("sh", "-c", "echo hello")), request(Map.of(), "sh", "-c", "echo hello"));
    }

    @Test
    void readsGpuMemoryAndMemoryInMebibytesWithMiAndGiSuffixes() {
        assertEquals(8192, request(Map.of(), "--gpu-memory", "8192", "true").get("gpuMemoryMiB"));
        assertEquals(512, request(Map.of(), "--gpu-memory", "512Mi", "true").get("gpuMemoryMiB"));
        assertEquals(8192, request(Map.of(), "--gpu-memory", "8Gi", "true").get("gpuMemoryMiB"));
        assertEquals(1536, request(Map.of(), "--memory", "1.5Gi", "true").get("memoryMiB"));
        assertEquals(2, CliRun.of(Map.of(), "submit", "--gpu-memory", "8GB", "true").exitCode());
        assertEquals(2, CliRun.of(Map.of(), "submit", "--memory", "lots", "true").exitCode());
    }

    @Test
    void interactiveMeansPriorityInteractiveAndNeverBurst() {
        Map<String, Object> request = request(Map.of(), "--interactive", "jupyter", "lab");

        assertEquals("interactive", request.get("priority"));
        assertEquals(false, request.get("burstable"));
    }

    @Test
    void preemptibleMeansTrainAndNonPreemptibleMeansBuild() {
        assertEquals("train", request(Map.of(), "--preemptible", "true").get("priority"));
        assertEquals("build", request(Map.of(), "--non-preemptible", "true").get("priority"));
        assertEquals("inference", request(Map.of(), "--priority", "Inference", "--non-preemptible", "true")
                .get("priority"));
        assertEquals(false, request(Map.of(), "--no-burst", "true").get("burstable"));
        assertNull(request(Map.of(), "true").get("priority"));
    }

    @Test
    void refusesContradictoryPriorityFlagsAsAUsageError() {
        for (List<String> flags : List.of(List.of("--preemptible", "--non-preemptible"),
                List.of("--interactive", "--preemptible"), List.of("--interactive", "--priority", "train"),
                List.of("--non-preemptible", "--priority", "train"), List.of("--priority", "urgent"))) {
            String[] args = new String[flags.size() + 2];
            args[0] = "submit";
            for (int i = 0; i < flags.size(); i++) {
                args[i + 1] = flags.get(i);
            }
            args[args.length - 1] = "true";
            CliRun run = CliRun.of(Map.of("SPILLWAY_TOKEN", "t", "SPILLWAY_URL", "http://127.0.0.1:1"), args);
            assertEquals(2, run.exitCode(), flags + " -> " + run);
        }
    }

    @Test
    void everythingAfterTheFirstCommandWordOrAfterDoubleDashBelongsToTheJob() {
        Map<String, Object> afterWord = request(Map.of(), "python", "train.py", "--gpu", "2", "-v", "x");
        assertEquals(List.of("python", "train.py", "--gpu", "2", "-v", "x"), afterWord.get("command"));
        assertFalse(afterWord.containsKey("gpu"));

        Map<String, Object> afterDashes = request(Map.of(), "-g", "1", "--", "-weird-binary", "--flag");
        assertEquals(List.of("-weird-binary", "--flag"), afterDashes.get("command"));
        assertEquals(1.0, afterDashes.get("gpu"));
    }

    @Test
    void takesTheFirstWordAsTheImageOnlyWhenItLooksLikeOne() {
        Map<String, Object> withImage = request(Map.of(), "pytorch/pytorch:2.3", "python", "train.py");
        assertEquals("pytorch/pytorch:2.3", withImage.get("image"));
        assertEquals(List.of("python", "train.py"), withImage.get("command"));

        assertNull(request(Map.of(), "python", "train.py").get("image"));
        assertNull(request(Map.of(), "./run.sh", "a:b").get("image"));
        assertNull(request(Map.of(), "/usr/bin/env", "python").get("image"));
        assertEquals(List.of("ubuntu:22.04"), request(Map.of(), "ubuntu:22.04").get("command"),
                "a lone word is the command");
        Map<String, Object> explicit = request(Map.of(), "--image", "base", "repo/tool:1", "run");
        assertEquals("base", explicit.get("image"));
        assertEquals(List.of("repo/tool:1", "run"), explicit.get("command"));
    }

    @Test
    void passesAnEnvVariableByNameOnlyWhenItIsSetHereAndSaysSoOtherwise() {
        Map<String, Object> request = request(Map.of(), "-e", "MISSING", "-e", "EMPTY=", "true");

        assertEquals(Map.of("EMPTY", ""), request.get("env"));
        assertTrue(warnings.toString().contains("MISSING is not set here"), warnings.toString());
    }

    @Test
    void refusesInvalidValuesAndAMissingCommandAsUsageErrors() {
        assertEquals(2, CliRun.of(Map.of(), "submit", "--gpu", "abc", "true").exitCode());
        assertEquals(2, CliRun.of(Map.of(), "submit", "--workers", "two", "true").exitCode());
        assertEquals(2, CliRun.of(Map.of(), "submit", "-g", "1").exitCode());
        assertEquals(2, CliRun.of(Map.of(), "submit", "-o", "yaml", "true").exitCode());
    }

    private Map<String, Object> request(Map<String, String> environment, String... args) {
        CommandLine cli = new CommandLine(new SpillwayCli(Map.of()));
        cli.setErr(new PrintWriter(warnings, true));
        String[] withCommand = new String[args.length + 1];
        withCommand[0] = "submit";
        System.arraycopy(args, 0, withCommand, 1, args.length);
        CommandLine.ParseResult parsed = cli.parseArgs(withCommand);
        SubmitCommand submit = (SubmitCommand) parsed.subcommand().commandSpec().userObject();
        return submit.request(environment);
    }
}
