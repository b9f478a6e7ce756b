package io.spillway.system;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.spillway.schemas.JobEvent;
import io.spillway.testing.TestPlatform;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A job's volumes are mounts that the site's storage-agent grants: the scheduler runs the job on the directory the
 * agent hands out, the agent knows the filesystem is in use while the job runs (and refuses to delete it), and the
 * mount is released when the job ends. The stack as {@code spillway up} runs it.
 */
class JobVolumesIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(90);

    private static SystemStack stack;
    private static EventTap tap;

    @BeforeAll
    static void startTheStack() throws IOException {
        stack = SystemStack.shared();
        tap = new EventTap(TestPlatform.shared().kafkaBootstrapServers());
    }

    @AfterAll
    static void stopTheTap() throws Exception {
        // The stack is shared with the other test classes; it stops when the JVM does.
        Resources.closeAll(tap);
    }

    @Test
    void aJobRunsOnTheMountTheStorageAgentGrantsWhichKeepsItsFilesystemUntilTheJobEnds() throws Exception {
        String storage = stack.url("storage-agent-onprem");
        String filesystem = "results-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created = send("POST", storage + "/api/v1/filesystems",
                JSON.writeValueAsString(Map.of("name", filesystem)));
        assertEquals(201, created.statusCode(), created.body());
        Path directory = Path.of(JSON.readTree(created.body()).get("path").asText());

        // The job writes through its volume, then runs until the test lets it end.
        String jobId = submit(Map.of("name", "writes-results", "project", "default", "gpu", 1,
                "volumes", List.of(filesystem + "/run1:/results"),
                "command", List.of("sh", "-c", "echo \"written to $SPILLWAY_VOLUMES\" > results/out.txt;"
                        + " while [ ! -f results/stop ]; do sleep 0.1; done")));

        await().atMost(JOB_TIMEOUT).until(() -> "RUNNING".equals(job(jobId).path("state").asText()));
        Path out = directory.resolve("run1/out.txt");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(out));
        assertTrue(Files.readString(out).contains("/results=" + directory.toRealPath().resolve("run1")),
                "the job got the directory the storage-agent granted: " + Files.readString(out));
        assertEquals(1, getJson(storage + "/api/v1/filesystems/" + filesystem).path("mountedBy").asInt(),
                "the storage-agent records the running job's mount");
        HttpResponse<String> refused = send("DELETE", storage + "/api/v1/filesystems/" + filesystem, null);
        assertEquals(409, refused.statusCode(), "a filesystem in use is not deleted: " + refused.body());
        assertTrue(Files.isDirectory(directory), "its data is still there");

        Files.writeString(directory.resolve("run1/stop"), "");
        await().atMost(JOB_TIMEOUT).until(() -> "SUCCEEDED".equals(job(jobId).path("state").asText()));
        await().atMost(Duration.ofSeconds(20)).until(() -> getJson(storage + "/api/v1/filesystems/" + filesystem)
                .path("mountedBy").asInt() == 0);
        HttpResponse<String> deleted = send("DELETE", storage + "/api/v1/filesystems/" + filesystem, null);
        assertEquals(204, deleted.statusCode(), "released, so it can go: " + deleted.body());
    }

    @Test
    void aJobWhoseVolumeNamesAnUnknownFilesystemFailsSayingWhichAndWhy() throws Exception {
        String missing = "nosuchfs-" + UUID.randomUUID().toString().substring(0, 8);
        String jobId = submit(Map.of("name", "needs-missing-data", "project", "default", "gpu", 1,
                "volumes", List.of(missing + ":/data"), "command", List.of("true")));

        JobEvent.JobFailed failed = (JobEvent.JobFailed) tap.await(JobEvent.JobFailed.class,
                event -> event.jobId().equals(jobId), JOB_TIMEOUT).data();

        assertTrue(failed.reason().contains(missing + ":/data"), "names the volume: " + failed.reason());
        assertTrue(failed.reason().contains("No filesystem '" + missing + "' at this site"),
                "says what the storage-agent said: " + failed.reason());
        await().atMost(Duration.ofSeconds(20)).until(() -> "FAILED".equals(job(jobId).path("state").asText()));
    }

    private static String submit(Map<String, Object> job) throws IOException, InterruptedException {
        HttpResponse<String> created = send("POST", stack.url("job-intake") + "/api/v1/jobs",
                JSON.writeValueAsString(job));
        assertEquals(201, created.statusCode(), created.body());
        return JSON.readTree(created.body()).get("id").asText();
    }

    private static JsonNode job(String jobId) throws IOException, InterruptedException {
        return getJson(stack.url("job-intake") + "/api/v1/jobs/" + jobId);
    }

    private static JsonNode getJson(String url) throws IOException, InterruptedException {
        return JSON.readTree(send("GET", url, null).body());
    }

    private static HttpResponse<String> send(String method, String url, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + stack.tokenFor(url))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
