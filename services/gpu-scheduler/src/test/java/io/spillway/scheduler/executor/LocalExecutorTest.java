package io.spillway.scheduler.executor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.spillway.schemas.VolumeMount;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The local executor against real processes of this machine. */
class LocalExecutorTest {

    @TempDir
    Path workDir;
    LocalExecutor executor;

    @AfterEach
    void stopEverything() {
        if (executor != null) {
            executor.stopAll();
        }
    }

    @Test
    void runsTheCommandWithItsGpusAndEnvironmentAndKeepsItsOutput() throws Exception {
        executor = new LocalExecutor(workDir);
        CompletableFuture<ProcessExit> exit = new CompletableFuture<>();

        executor.start(launch("job-1", List.of("sh", "-c",
                "echo hello; echo \"cuda=$CUDA_VISIBLE_DEVICES nvidia=$NVIDIA_VISIBLE_DEVICES"
                        + " share=$SPILLWAY_GPU_FRACTION job=$SPILLWAY_JOB_ID site=$SPILLWAY_SITE mine=$MINE\"; pwd;"
                        + " echo oops >&2"),
                List.of("0", "1"), 1.0), exit::complete);

        assertEquals(0, exit.get().exitCode());
        assertFalse(exit.get().cancelled());
        String log = Files.readString(executor.jobDir("job-1").resolve(LocalExecutor.OUTPUT_LOG));
        assertTrue(log.contains("hello"), log);
        assertTrue(log.contains("cuda=0,1 nvidia=0,1 share=1 job=job-1 site=onprem mine=yes"), log);
        assertTrue(log.contains(executor.jobDir("job-1").toRealPath().toString()), log);
        assertTrue(log.contains("oops"), "stderr goes to the same log: " + log);
    }

    @Test
    void tellsAGangWorkerItsIndexAndTheGpuMemoryItAskedForInItsOwnLog() throws Exception {
        executor = new LocalExecutor(workDir);
        CompletableFuture<ProcessExit> exit = new CompletableFuture<>();

        executor.start(new Launch("job-5", 1, 2, "onprem", "local-0", null, List.of("sh", "-c",
                "echo \"worker=$SPILLWAY_WORKER/$SPILLWAY_WORKERS memory=$SPILLWAY_GPU_MEMORY_MIB\""),
                Map.of("SPILLWAY_WORKER", "7"), List.of("0"), 0.25, 20480, List.of()), exit::complete);

        assertEquals(0, exit.get().exitCode());
        String log = Files.readString(executor.jobDir("job-5").resolve("output-worker1.log"));
        assertTrue(log.contains("worker=1/2 memory=20480"), log);
    }

    @Test
    void aReleasedJobRunsOnUnstoppedAndUnreportedUntilTheNextLeaderOnTheSameMachineAdoptsIt() throws Exception {
        executor = new LocalExecutor(workDir);
        CompletableFuture<ProcessExit> seenByTheDeposed = new CompletableFuture<>();
        executor.start(launch("job-r", List.of("sh", "-c", "sleep 2; exit 4"), List.of("0"), 1.0),
                seenByTheDeposed::complete);

        // A successor looks a safety margin after the last start at the earliest: the wrapper has written its pid.
        Path pidFile = executor.jobDir("job-r").resolve("worker-0.pid");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());

        executor.release();
        executor.stopAll(); // the deposed instance shuts down: what it released is not its to stop
        LocalExecutor successor = new LocalExecutor(workDir);
        CompletableFuture<ProcessExit> seenBySuccessor = new CompletableFuture<>();
        assertEquals(Set.of(0), successor.adopt("job-r", 1, seenBySuccessor::complete));

        assertEquals(4, seenBySuccessor.get(20, TimeUnit.SECONDS).exitCode(),
                "it ran to its own end, unstopped");
        assertFalse(executor.isRunning("job-r"));
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !seenByTheDeposed.isDone());
        successor.stopAll();
    }

    @Test
    void reportsTheExitCodeOfAFailingCommand() throws Exception {
        executor = new LocalExecutor(workDir);
        CompletableFuture<ProcessExit> exit = new CompletableFuture<>();

        executor.start(launch("job-2", List.of("sh", "-c", "exit 3"), List.of("1"), 0.5), exit::complete);

        assertEquals(3, exit.get().exitCode());
    }

    @Test
    void refusesACommandThatDoesNotExistWithTheReason() {
        executor = new LocalExecutor(workDir);

        ExecutorException error = assertThrows(ExecutorException.class,
                () -> executor.start(launch("job-3", List.of("spillway-no-such-program"), List.of("0"), 1.0),
                        exit -> {
                        }));

        assertTrue(error.getMessage().startsWith("cannot start spillway-no-such-program"), error.getMessage());
        assertFalse(executor.isRunning("job-3"));
    }

    @Test
    void stopsAJobThatIgnoresSigtermWithSigkillAfterTheGracePeriod() throws Exception {
        executor = new LocalExecutor(workDir);
        CompletableFuture<ProcessExit> exit = new CompletableFuture<>();
        executor.start(launch("job-4", List.of("sh", "-c", "trap '' TERM; echo ready; while true; do sleep 1; done"),
                List.of("0"), 1.0), exit::complete);
        Path log = executor.jobDir("job-4").resolve(LocalExecutor.OUTPUT_LOG);
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log).contains("ready"));

        assertTrue(executor.stop("job-4", Duration.ofMillis(500)));

        ProcessExit ended = exit.get();
        assertTrue(ended.cancelled());
        assertEquals(137, ended.exitCode(), "killed by SIGKILL");
        assertFalse(executor.isRunning("job-4"));
    }

    @Test
    void linksEachVolumeToTheDirectoryTheStorageAgentGrantedRatherThanUnderTheFilesystemRoot(@TempDir Path sites)
            throws Exception {
        Path root = Files.createDirectories(sites.resolve("root/datasets"));
        Path granted = Files.createDirectories(sites.resolve("elsewhere/datasets/imagenet"));
        Files.writeString(granted.resolve("labels.txt"), "cat\n");
        executor = new LocalExecutor(workDir, Optional.of(root.getParent()));
        CompletableFuture<ProcessExit> exit = new CompletableFuture<>();
        VolumeMount volume = new VolumeMount("datasets", "imagenet", "/data", true);

        executor.start(new Launch("job-6", 0, 1, "onprem", "local-0", null,
                List.of("sh", "-c", "cat data/labels.txt; echo \"volumes=$SPILLWAY_VOLUMES\""), Map.of(), List.of("0"),
                1.0, null, List.of(volume), List.of(new MountedVolume(volume, granted.toString(), "spillway-fs-x"))),
                exit::complete);

        assertEquals(0, exit.get().exitCode());
        String log = Files.readString(executor.jobDir("job-6").resolve(LocalExecutor.OUTPUT_LOG));
        assertTrue(log.contains("cat\nvolumes=/data=" + granted), log);
        assertEquals(granted, Files.readSymbolicLink(executor.jobDir("job-6").resolve("data")));
        assertFalse(Files.exists(root.resolve("imagenet")), "nothing is made under the filesystem root");
    }

    @Test
    void refusesAJobWithVolumesWhenItHasNeitherAStorageAgentNorAFilesystemRoot() {
        executor = new LocalExecutor(workDir);

        ExecutorException error = assertThrows(ExecutorException.class,
                () -> executor.start(new Launch("job-7", 0, 1, "onprem", "local-0", null, List.of("true"), Map.of(),
                        List.of("0"), 1.0, null, List.of(new VolumeMount("datasets", null, "/data", false))),
                        exit -> {
                        }));

        assertTrue(error.getMessage().contains("spillway.scheduler.storage-url"), error.getMessage());
    }

    @Test
    void keepsAJobIdFromNamingADirectoryOutsideTheWorkDir() throws IOException {
        executor = new LocalExecutor(workDir);
        assertEquals(workDir.toAbsolutePath().resolve(".._.._etc"), executor.jobDir("../../etc"));
    }

    private static Launch launch(String jobId, List<String> command, List<String> gpuIds, double fraction) {
        return new Launch(jobId, 0, 1, "onprem", "local-0", null, command, Map.of("MINE", "yes"), gpuIds, fraction, null,
                List.of());
    }
}
