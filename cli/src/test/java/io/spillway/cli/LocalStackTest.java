package io.spillway.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.spillway.cli.stack.Bootstrap;
import io.spillway.cli.stack.LocalStack;
import io.spillway.cli.stack.ServiceProcess;
import io.spillway.cli.stack.ServiceSpec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalStackTest {

    @Test
    void runsTwoSitesWithTheirOwnSchedulersStorageAgentsAndFilesystemRoots(@TempDir Path state) {
        List<ServiceSpec> services = LocalStack.services(Map.of("kafka.bootstrap.servers", "127.0.0.1:1"), state,
                LocalStack.DEFAULT_PORTS, "http://127.0.0.1:4318",
                new Bootstrap("a".repeat(64), "b".repeat(64), "default", "spw_service"));

        assertEquals(LocalStack.SERVICE_NAMES, services.stream().map(ServiceSpec::name).toList());
        assertEquals(services.size(), services.stream().map(ServiceSpec::port).distinct().count());
        Map<String, ServiceSpec> byName = services.stream().collect(Collectors.toMap(ServiceSpec::name, s -> s));
        assertEquals("onprem", byName.get("gpu-scheduler-onprem").config().get("spillway.site"));
        assertEquals("cloud", byName.get("gpu-scheduler-cloud").config().get("spillway.site"));
        assertEquals(LocalStack.ONPREM_GPUS, gpus(byName.get("gpu-scheduler-onprem")));
        assertEquals(LocalStack.CLOUD_GPUS, gpus(byName.get("gpu-scheduler-cloud")));
        for (String site : List.of("onprem", "cloud")) {
            assertEquals(byName.get("storage-agent-" + site).url(),
                    byName.get("gpu-scheduler-" + site).config().get("spillway.scheduler.storage-url"),
                    "each site's scheduler gets its jobs' mounts from that site's storage-agent");
        }
        services.forEach(service -> {
            assertEquals("127.0.0.1:1", service.config().get("kafka.bootstrap.servers"));
            assertEquals("http://127.0.0.1:4318", service.config().get("quarkus.otel.exporter.otlp.endpoint"));
            assertTrue(service.jar().endsWith("target/quarkus-app/quarkus-run.jar"), service.jar());
            assertEquals("spw_service", service.config().get("spillway.auth.service-token"),
                    "every service sends and accepts the stack's service credential");
        });
    }

    @Test
    void replicasRunEachServiceAgainOnAPortAHundredAboveWithTheSameDatabaseAndSite(@TempDir Path state) {
        List<ServiceSpec> first = LocalStack.services(Map.of("quarkus.datasource.reactive.url", "pg://x"), state,
                LocalStack.DEFAULT_PORTS, null, new Bootstrap("a".repeat(64), "b".repeat(64), "default", "spw_s"));

        List<ServiceSpec> two = LocalStack.withReplicas(first, 2);

        assertEquals(2 * first.size(), two.size());
        Map<String, ServiceSpec> byName = two.stream().collect(Collectors.toMap(ServiceSpec::name, s -> s));
        assertEquals(8180, byName.get("job-intake-2").port());
        assertEquals("8181", byName.get("gpu-scheduler-onprem-2").config().get("quarkus.http.port"));
        assertEquals("onprem", byName.get("gpu-scheduler-onprem-2").config().get("spillway.site"),
                "the standby of onprem's scheduler serves onprem");
        assertEquals("pg://x", byName.get("burst-coordinator-2").config().get("quarkus.datasource.reactive.url"));
        assertEquals(two.size(), two.stream().map(ServiceSpec::port).distinct().count(), "no port twice");
        assertTrue(LocalStack.replicaNames().containsAll(two.stream().map(ServiceSpec::name)
                .filter(name -> !LocalStack.SERVICE_NAMES.contains(name)).toList()), "down stops every replica");
        assertEquals(first, LocalStack.withReplicas(first, 1));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> LocalStack.withReplicas(first, 4));
    }

    @Test
    void passesCredentialsInTheEnvironmentWhereOtherUsersCannotReadThemNotOnTheCommandLine() {
        for (String secret : List.of("spillway.auth.service-token", "spillway.s3.secret-key",
                "quarkus.datasource.password")) {
            assertTrue(ServiceProcess.isSecret(secret), secret);
        }
        for (String plain : List.of("spillway.site", "quarkus.http.port", "spillway.s3.access-key",
                "spillway.intake.bootstrap.admin-token-sha256")) {
            assertEquals(false, ServiceProcess.isSecret(plain), plain);
        }
        assertEquals("SPILLWAY_AUTH_SERVICE_TOKEN", ServiceProcess.environmentName("spillway.auth.service-token"));
        assertEquals("QUARKUS_DATASOURCE_PASSWORD", ServiceProcess.environmentName("quarkus.datasource.password"));
    }

    @Test
    void runsOneSnapshotWorkerPerSiteServingThatSiteFromItsStorageAgentsRoot(@TempDir Path state) {
        Map<String, ServiceSpec> byName = LocalStack.services(Map.of(), state, LocalStack.DEFAULT_PORTS, null,
                new Bootstrap("a".repeat(64), "b".repeat(64), "default", "spw_service")).stream()
                .collect(Collectors.toMap(ServiceSpec::name, s -> s));

        for (String site : List.of("onprem", "cloud")) {
            Map<String, String> worker = byName.get("snapshot-worker-" + site).config();
            assertEquals(site, worker.get("spillway.site"));
            assertEquals(site, worker.get("spillway.snapshot.serves"), "it takes only its own site's requests");
            assertEquals(byName.get("storage-agent-" + site).config().get("spillway.storage.root"),
                    worker.get("spillway.snapshot.sites." + site + ".root"),
                    "it reads and writes the filesystems its site's storage-agent manages");
            assertTrue(byName.get("snapshot-worker-" + site).jar().startsWith("services/snapshot-worker/"));
        }
        assertEquals(8085, byName.get("snapshot-worker-onprem").port());
        assertEquals(8087, byName.get("snapshot-worker-cloud").port());
        assertEquals(8086, byName.get("burst-coordinator").port(), "the other services keep their ports");
        assertEquals("http://127.0.0.1:8086", LocalStack.defaultUrl("burst-coordinator"));
    }

    @Test
    void burstsToTheCloudSiteSoonAfterOnpremsQueueOverflowsWithTheCloudsGpusKnownToTheCoordinator(@TempDir Path state) {
        Map<String, ServiceSpec> byName = LocalStack.services(Map.of(), state, LocalStack.DEFAULT_PORTS, null,
                new Bootstrap("a".repeat(64), "b".repeat(64), "default", "spw_service")).stream()
                .collect(Collectors.toMap(ServiceSpec::name, s -> s));

        assertEquals("2s", byName.get("gpu-scheduler-onprem").config().get("spillway.scheduler.queue.debounce"));
        Map<String, String> coordinator = byName.get("burst-coordinator").config();
        assertEquals(String.valueOf(LocalStack.CLOUD_GPUS), coordinator.get("spillway.burst.sites.cloud.gpus"));
        assertEquals(String.valueOf(LocalStack.CLOUD_GPUS / 2),
                coordinator.get("spillway.burst.sites.cloud.largest-node-gpus"), "cloud's nodes, as its scheduler has them");
        for (String bounded : List.of("spillway.burst.timeouts.snapshot", "spillway.burst.timeouts.restore",
                "spillway.burst.timeouts.reroute", "spillway.burst.timeouts.start", "spillway.burst.tick")) {
            assertTrue(coordinator.containsKey(bounded), bounded);
        }
    }

    @Test
    void readsThePlatformDescriptionTheHarnessWrites(@TempDir Path dir) throws Exception {
        Path env = dir.resolve("platform.env");
        Files.writeString(env, "# written by PlatformMain\nexport SPILLWAY_KAFKA_BOOTSTRAP=127.0.0.1:9092\n"
                + "export SPILLWAY_PG_URL='postgresql://postgres:@127.0.0.1:5432/spillway'\n\n");

        Map<String, String> values = UpCommand.readEnvFile(env);

        assertEquals(Map.of("SPILLWAY_KAFKA_BOOTSTRAP", "127.0.0.1:9092", "SPILLWAY_PG_URL",
                "postgresql://postgres:@127.0.0.1:5432/spillway"), values);
    }

    private static int gpus(ServiceSpec scheduler) {
        return scheduler.config().entrySet().stream()
                .filter(e -> e.getKey().startsWith("spillway.scheduler.nodes.") && e.getKey().endsWith(".gpus"))
                .mapToInt(e -> Integer.parseInt(e.getValue())).sum();
    }
}
