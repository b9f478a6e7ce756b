package io.spillway.system;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.spillway.schemas.JobEvent;
import io.spillway.testing.TestPlatform;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Active/standby: the onprem site's gpu-scheduler runs twice on one machine; the leader is killed with SIGKILL while
 * jobs run on both GPUs and more wait. The standby leads within 15 s, adopts the running jobs, and every job succeeds
 * exactly once, with never two jobs on one GPU.
 */
class SchedulerFailoverIT {

    private static final String SCHEDULER = "gpu-scheduler-onprem";
    private static final Duration TAKEOVER = Duration.ofSeconds(15);
    private static final int JOBS = 4;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void theStandbyLeadsWithin15SecondsOfTheLeadersKillAndEveryJobSucceedsOnceWithNoGpuDoubleBooked()
            throws Exception {
        try (SystemStack stack = SystemStack.start(Map.of(), null);
                EventTap tap = new EventTap(TestPlatform.shared().kafkaBootstrapServers())) {
            Map<String, String> schedulers = new HashMap<>();
            schedulers.put(SCHEDULER, stack.url(SCHEDULER));
            String replicaUrl = stack.startReplica(SCHEDULER);
            schedulers.put(SCHEDULER + "-replica-" + URI.create(replicaUrl).getPort(), replicaUrl);

            // Exactly one leads, and both name it; the standby is ready all the same (startReplica waited for it).
            await().atMost(Duration.ofSeconds(30)).until(() -> leaders(stack, schedulers).size() == 1);
            String leader = leaders(stack, schedulers).get(0);
            String standby = schedulers.keySet().stream().filter(name -> !name.equals(leader)).findFirst()
                    .orElseThrow();
            JsonNode standbyState = state(stack, schedulers.get(standby));
            JsonNode leaderState = state(stack, schedulers.get(leader));
            assertFalse(standbyState.path("leader").asBoolean());
            assertEquals(leaderState.path("instanceId").asText(), standbyState.path("leaderId").asText());
            assertNotEquals(leaderState.path("instanceId").asText(), standbyState.path("instanceId").asText());

            Path ledger = stack.state().resolve("failover-ledger.txt");
            List<String> jobs = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                jobs.add(submit(stack, "failover-" + i, ledger));
            }
            // Two run (one GPU each), two wait.
            await().atMost(Duration.ofSeconds(90)).until(() -> started(tap, jobs) == 2);

            stack.killNine(leader);
            long killedAt = System.nanoTime();
            await().atMost(TAKEOVER).pollInterval(Duration.ofMillis(250))
                    .until(() -> state(stack, schedulers.get(standby)).path("leader").asBoolean());
            Duration takeover = Duration.ofNanos(System.nanoTime() - killedAt);
            assertTrue(takeover.compareTo(TAKEOVER) <= 0, "the standby leads " + takeover + " after the kill");

            for (String jobId : jobs) {
                tap.await(JobEvent.JobCompleted.class, completed -> completed.jobId().equals(jobId),
                        Duration.ofSeconds(120));
            }
            // Once, and still once a few seconds later: a duplicate would have shown up by then.
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> jobs.stream().allMatch(jobId -> count(tap, jobId, JobEvent.JobCompleted.class) == 1));
            for (String jobId : jobs) {
                assertEquals(0, count(tap, jobId, JobEvent.JobFailed.class), jobId + " never failed");
                await().atMost(Duration.ofSeconds(30)).until(() -> "SUCCEEDED".equals(describe(stack, jobId)
                        .path("state").asText()));
            }
            List<String> lines = Files.readAllLines(ledger);
            for (String jobId : jobs) {
                assertEquals(1, lines.stream().filter(line -> line.startsWith(jobId + " start")).count(),
                        jobId + " ran exactly once: " + lines);
                assertEquals(1, lines.stream().filter(line -> line.startsWith(jobId + " end")).count(),
                        jobId + " ran to its end: " + lines);
            }
            assertEquals(List.of(), doubleBooked(lines), "no GPU held by two jobs at once: " + lines);
        }
    }

    /** The schedulers whose state says they lead. */
    private static List<String> leaders(SystemStack stack, Map<String, String> schedulers) throws Exception {
        List<String> leading = new ArrayList<>();
        for (Map.Entry<String, String> scheduler : schedulers.entrySet()) {
            if (state(stack, scheduler.getValue()).path("leader").asBoolean()) {
                leading.add(scheduler.getKey());
            }
        }
        return leading;
    }

    private static JsonNode state(SystemStack stack, String schedulerUrl) throws IOException, InterruptedException {
        return get(schedulerUrl + "/api/v1/scheduler/state?limit=1", stack.credentials().serviceToken());
    }

    private static JsonNode describe(SystemStack stack, String jobId) throws IOException, InterruptedException {
        return get(stack.url("job-intake") + "/api/v1/jobs/" + jobId, stack.credentials().adminToken());
    }

    private static JsonNode get(String url, String token) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), url + ": " + response.body());
        return JSON.readTree(response.body());
    }

    /**
     * Submits, through job-intake, a job of one GPU that notes its start and end, with the GPU it was given, in the
     * ledger, and runs a few seconds in between.
     */
    private static String submit(SystemStack stack, String name, Path ledger) throws Exception {
        String script = "echo \"$SPILLWAY_JOB_ID start $(date +%s%N) $CUDA_VISIBLE_DEVICES\" >> " + ledger + ";"
                + " sleep 6; echo \"$SPILLWAY_JOB_ID end $(date +%s%N) $CUDA_VISIBLE_DEVICES\" >> " + ledger;
        Map<String, Object> body = Map.of("name", name, "project", stack.credentials().project(), "command",
                List.of("sh", "-c", script), "gpu", 1.0, "priority", "train", "burstable", false, "site", "onprem");
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(stack.url("job-intake")
                + "/api/v1/jobs"))
                .header("Authorization", "Bearer " + stack.credentials().adminToken())
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, response.statusCode(), response.body());
        return JSON.readTree(response.body()).path("id").asText();
    }

    private static long started(EventTap tap, List<String> jobs) {
        return jobs.stream().filter(jobId -> count(tap, jobId, JobEvent.JobStarted.class) > 0).count();
    }

    private static long count(EventTap tap, String jobId, Class<?> type) {
        return tap.about(jobId).stream().filter(event -> type.isInstance(event.data())).count();
    }

    /**
     * The pairs of jobs that ran on one GPU at the same time, from their start and end lines
     * ({@code id start|end nanos gpu}).
     */
    private static List<String> doubleBooked(List<String> lines) {
        Map<String, long[]> runs = new HashMap<>();
        Map<String, String> gpus = new HashMap<>();
        for (String line : lines) {
            String[] parts = line.trim().split(" ");
            long[] run = runs.computeIfAbsent(parts[0], id -> new long[] { Long.MIN_VALUE, Long.MAX_VALUE });
            run[parts[1].equals("start") ? 0 : 1] = Long.parseLong(parts[2]);
            gpus.put(parts[0], parts.length > 3 ? parts[3] : "?");
        }
        List<String> overlaps = new ArrayList<>();
        List<String> ids = new ArrayList<>(runs.keySet());
        for (int i = 0; i < ids.size(); i++) {
            for (int j = i + 1; j < ids.size(); j++) {
                long[] a = runs.get(ids.get(i));
                long[] b = runs.get(ids.get(j));
                boolean sameGpu = gpus.get(ids.get(i)).equals(gpus.get(ids.get(j)));
                if (sameGpu && a[0] < b[1] && b[0] < a[1]) {
                    overlaps.add(ids.get(i) + " and " + ids.get(j) + " on GPU " + gpus.get(ids.get(i)));
                }
            }
        }
        return overlaps;
    }
}
