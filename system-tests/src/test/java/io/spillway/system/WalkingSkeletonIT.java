package io.spillway.system;

import java.io.IOException;
import java.net.ServerSocket;
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
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.spillway.cli.Credentials;
import io.spillway.cli.stack.LocalStack;
import io.spillway.cli.stack.ServiceProcess;
import io.spillway.cli.stack.ServiceSpec;
import io.spillway.platform.Platform;
import io.spillway.schemas.BurstCandidate;
import io.spillway.schemas.CloudEvent;
import io.spillway.schemas.JobEvent;
import io.spillway.schemas.QueueEvent;
import io.spillway.schemas.StorageEvent;
import io.spillway.testing.OtlpTraceCollector;
import io.spillway.testing.TestPlatform;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The walking skeleton end to end: the platform (Kafka, PostgreSQL, S3 as processes) and every service as its own
 * process from its built jar, exactly as {@code spillway up} runs them.
 */
class WalkingSkeletonIT {

    private static final Path PROJECT_ROOT = Path.of(System.getProperty("spillway.project.root", "..")).toAbsolutePath()
            .normalize();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Platform platform;
    private static OtlpTraceCollector traces;
    private static EventTap tap;
    private static final List<ServiceProcess> services = new ArrayList<>();
    private static Map<String, ServiceSpec> byName = new HashMap<>();
    private static Credentials credentials;

    @BeforeAll
    static void startEverything() throws IOException {
        SystemStack.stopShared();
        platform = TestPlatform.shared();
        traces = OtlpTraceCollector.start();
        tap = new EventTap(platform.kafkaBootstrapServers());
        Path state = Files.createTempDirectory(PROJECT_ROOT.resolve("system-tests/target"), "stack-");
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < LocalStack.SERVICE_NAMES.size(); i++) {
            ports.add(freePort());
        }
        Map<String, String> config = new HashMap<>(platform.quarkusConfig());
        // Export spans quickly so the test sees them within seconds.
        config.put("quarkus.otel.bsp.schedule.delay", "200ms");
        credentials = Credentials.generate("http://127.0.0.1:" + ports.get(0), Credentials.DEFAULT_PROJECT);
        for (ServiceSpec spec : LocalStack.services(config, state, ports, traces.endpoint(),
                credentials.bootstrap())) {
            services.add(ServiceProcess.start(spec, PROJECT_ROOT, state.resolve("logs"), false));
            byName.put(spec.name(), spec);
        }
        for (ServiceProcess service : services) {
            service.awaitReady(Duration.ofSeconds(240));
        }
    }

    @AfterAll
    static void stopEverything() throws Exception {
        services.forEach(service -> service.stop(Duration.ofSeconds(10)));
        Resources.closeAll(tap, traces);
    }

    @Test
    void aJobGoesFromThePostToSucceededOnOneTraceAcrossServices() throws Exception {
        String intake = byName.get("job-intake").url();
        String body = JSON.writeValueAsString(Map.of("name", "hello-gpu", "project", "default", "command",
                List.of("sh", "-c", "echo \"hello from GPU $CUDA_VISIBLE_DEVICES\""), "gpu", 1));
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(intake + "/api/v1/jobs"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + credentials.token()).POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());
        String jobId = JSON.readTree(created.body()).get("id").asText();

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> "SUCCEEDED".equals(getJson(intake + "/api/v1/jobs/" + jobId).path("state").asText()));
        JsonNode job = getJson(intake + "/api/v1/jobs/" + jobId);
        assertEquals(0, job.get("exitCode").asInt());
        assertEquals("onprem-0", job.get("node").asText());

        tap.await(JobEvent.JobCompleted.class, completed -> completed.jobId().equals(jobId), Duration.ofSeconds(10));
        List<CloudEvent> lifecycle = tap.about(jobId);
        Set<String> types = lifecycle.stream().map(CloudEvent::type).collect(Collectors.toSet());
        assertTrue(types.containsAll(Set.of("io.spillway.JobSubmitted.v1", "io.spillway.GpuAllocated.v1",
                "io.spillway.JobStarted.v1", "io.spillway.JobCompleted.v1")), types.toString());
        Set<String> traceIds = lifecycle.stream().map(event -> traceId(event.traceparent()))
                .collect(Collectors.toSet());
        assertEquals(1, traceIds.size(), "every event of the job carries the job's trace: " + traceIds);
        String traceId = traceIds.iterator().next();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Set<String> servicesInTrace = traces.spansOfTrace(traceId).stream()
                    .map(OtlpTraceCollector.CollectedSpan::serviceName).collect(Collectors.toSet());
            assertTrue(servicesInTrace.containsAll(Set.of("job-intake", "gpu-scheduler")),
                    "services with spans in the job's trace: " + servicesInTrace);
        });
    }

    @Test
    void aQueueSignalBecomesABurstWhoseDatasetIsSnapshottedIntoS3() throws Exception {
        String filesystem = "ds-" + UUID.randomUUID().toString().substring(0, 8);
        // An external system that traces its own work: the platform continues its trace.
        String externalTrace = "00-" + UUID.randomUUID().toString().replace("-", "") + "-00f067aa0ba902b7-01";
        tap.publish(CloudEvent.of("/system-test", new StorageEvent.FilesystemRequested("req-" + filesystem, "onprem",
                filesystem), externalTrace));
        CloudEvent ready = tap.await(StorageEvent.FilesystemReady.class, r -> r.filesystem().equals(filesystem),
                Duration.ofSeconds(30));
        Path mount = Path.of(((StorageEvent.FilesystemReady) ready.data()).mountPath());
        assertTrue(Files.isDirectory(mount), mount + " exists");
        byte[] sample = new byte[3 * 1024 * 1024];
        new java.util.Random(7).nextBytes(sample);
        Files.write(mount.resolve("train.bin"), sample);
        Files.writeString(mount.resolve("labels.txt"), "cat\ndog\n");

        tap.publish(CloudEvent.of("/system-test", new QueueEvent.QueueThresholdExceeded("onprem", 11, 10,
                List.of(new BurstCandidate("job-" + filesystem, "default", 1, List.of(filesystem)))), externalTrace));

        CloudEvent requested = tap.await(StorageEvent.SnapshotRequested.class,
                r -> r.filesystem().equals(filesystem) && r.burstId() != null, Duration.ofSeconds(30));
        String burstId = ((StorageEvent.SnapshotRequested) requested.data()).burstId();
        CloudEvent uploaded = tap.await(StorageEvent.SnapshotUploaded.class,
                u -> u.filesystem().equals(filesystem) && burstId.equals(u.burstId()), Duration.ofSeconds(60));
        StorageEvent.SnapshotUploaded snapshot = (StorageEvent.SnapshotUploaded) uploaded.data();
        assertEquals(sample.length + "cat\ndog\n".length(), snapshot.bytesScanned());
        assertTrue(platform.s3Client().headObject(b -> b.bucket(platform.s3Bucket()).key(snapshot.locator()))
                .contentLength() > 0, "the manifest is in S3 at the locator");

        String traceId = traceId(externalTrace);
        assertEquals(traceId, traceId(ready.traceparent()), "storage-agent continues the caller's trace");
        assertEquals(traceId, traceId(requested.traceparent()), "burst-coordinator continues the caller's trace");
        assertEquals(traceId, traceId(uploaded.traceparent()), "snapshot-worker continues the caller's trace");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Set<String> servicesInTrace = traces.spansOfTrace(traceId).stream()
                    .map(OtlpTraceCollector.CollectedSpan::serviceName).collect(Collectors.toSet());
            assertTrue(servicesInTrace.containsAll(Set.of("storage-agent", "burst-coordinator", "snapshot-worker")),
                    "services with spans in the trace: " + servicesInTrace);
        });
    }

    private static JsonNode getJson(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + credentials.token()).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    private static String traceId(String traceparent) {
        return traceparent == null ? "none" : traceparent.split("-")[1];
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
