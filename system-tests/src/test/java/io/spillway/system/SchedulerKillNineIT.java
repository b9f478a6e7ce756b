package io.spillway.system;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.spillway.cli.stack.ServiceProcess;
import io.spillway.cli.stack.ServiceSpec;
import io.spillway.platform.Platform;
import io.spillway.schemas.CloudEvent;
import io.spillway.schemas.JobEvent;
import io.spillway.schemas.JobSpec;
import io.spillway.schemas.PriorityClass;
import io.spillway.testing.TestPlatform;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crash safety: the scheduler is killed with SIGKILL while two jobs run on its two GPUs and a third waits, and is
 * started again. Every job runs exactly once to its end, and at no moment do more jobs run than there are GPUs.
 */
class SchedulerKillNineIT {

    private static final Path PROJECT_ROOT = SystemStack.PROJECT_ROOT;
    /** A site of its own: its schema holds nothing from other tests. */
    private static final String SITE = "killtest";

    private final List<ServiceProcess> schedulers = new ArrayList<>();

    @AfterEach
    void stopSchedulers() {
        schedulers.forEach(scheduler -> scheduler.stop(Duration.ofSeconds(10)));
    }

    @Test
    void afterKillNineAndARestartNoJobIsLostNoneRunsTwiceAndNoGpuIsDoubleBooked() throws Exception {
        SystemStack.stopShared();
        Platform platform = TestPlatform.shared();
        Path state = Files.createTempDirectory(Files.createDirectories(PROJECT_ROOT.resolve("system-tests/target")),
                "kill9-");
        Path ledger = state.resolve("ledger.txt");
        ServiceSpec spec = schedulerSpec(platform, state);

        try (EventTap tap = new EventTap(platform.kafkaBootstrapServers())) {
            ServiceProcess first = start(spec, state);
            List<String> jobs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String jobId = "kill9-" + i + "-" + UUID.randomUUID();
                jobs.add(jobId);
                tap.publish(CloudEvent.of("/tests/kill9", new JobEvent.JobSubmitted(jobId, SITE, jobSpec(ledger),
                        "tester"), null));
            }
            // Two run (one GPU each), one waits.
            await().atMost(Duration.ofSeconds(60)).until(() -> started(tap, jobs) == 2);

            ProcessHandle.of(first.pid()).orElseThrow().destroyForcibly(); // SIGKILL: no shutdown hook runs
            await().atMost(Duration.ofSeconds(20)).until(() -> !ProcessHandle.of(first.pid())
                    .map(ProcessHandle::isAlive).orElse(false));
            start(spec, state);

            for (String jobId : jobs) {
                tap.await(JobEvent.JobCompleted.class, completed -> completed.jobId().equals(jobId),
                        Duration.ofSeconds(120));
            }
            // Once, and still once a few seconds later: a duplicate would have shown up by then.
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> jobs.stream().allMatch(jobId -> completions(tap, jobId) == 1));
            List<String> lines = Files.readAllLines(ledger);
            for (String jobId : jobs) {
                assertEquals(1, lines.stream().filter(line -> line.startsWith(jobId + " start")).count(),
                        jobId + " ran exactly once: " + lines);
                assertEquals(1, lines.stream().filter(line -> line.startsWith(jobId + " end")).count(),
                        jobId + " ran to its end: " + lines);
            }
            assertTrue(mostAtOnce(lines) <= 2, "never more jobs at once than GPUs: " + lines);
        }
    }

    private static long completions(EventTap tap, String jobId) {
        return tap.about(jobId).stream().filter(event -> event.data() instanceof JobEvent.JobCompleted).count();
    }

    private static long started(EventTap tap, List<String> jobs) {
        return jobs.stream().filter(jobId -> tap.about(jobId).stream()
                .anyMatch(event -> event.data() instanceof JobEvent.JobStarted)).count();
    }

    /** The most jobs running at one moment, from their start and end lines ({@code id start|end nanos}). */
    private static int mostAtOnce(List<String> lines) {
        List<long[]> moments = new ArrayList<>();
        for (String line : lines) {
            String[] parts = line.trim().split(" ");
            moments.add(new long[] { Long.parseLong(parts[2]), parts[1].equals("start") ? 1 : -1 });
        }
        // At equal instants, count ends before starts.
        moments.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int running = 0;
        int most = 0;
        for (long[] moment : moments) {
            running += (int) moment[1];
            most = Math.max(most, running);
        }
        return most;
    }

    private ServiceProcess start(ServiceSpec spec, Path state) throws IOException {
        ServiceProcess scheduler = ServiceProcess.start(spec, PROJECT_ROOT, state.resolve("logs"), false);
        schedulers.add(scheduler);
        scheduler.awaitReady(Duration.ofSeconds(120));
        return scheduler;
    }

    private static JobSpec jobSpec(Path ledger) {
        String script = "echo \"$SPILLWAY_JOB_ID start $(date +%s%N)\" >> " + ledger + "; sleep 8;"
                + " echo \"$SPILLWAY_JOB_ID end $(date +%s%N)\" >> " + ledger;
        return new JobSpec("kill9", "default", null, List.of("sh", "-c", script), 1.0, null, null, null, 1,
                PriorityClass.TRAIN, List.of(), Map.of(), null, null);
    }

    private static ServiceSpec schedulerSpec(Platform platform, Path state) throws IOException {
        Map<String, String> config = new HashMap<>(platform.quarkusConfig());
        config.put("spillway.site", SITE);
        config.put("spillway.scheduler.inventory", "config");
        config.put("spillway.scheduler.nodes.kill-0.gpus", "2");
        config.put("spillway.scheduler.work-dir", state.resolve("jobs").toString());
        config.put("spillway.scheduler.pass-interval", "1s");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        config.put("quarkus.http.port", String.valueOf(port));
        return new ServiceSpec("gpu-scheduler-" + SITE,
                "services/gpu-scheduler/target/quarkus-app/quarkus-run.jar", port, 256, config);
    }
}
