package io.spillway.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.spillway.cli.stack.LocalStack;
import io.spillway.schemas.Topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker-compose.yml against the code it runs: every service gets every setting it needs to start and to reach the
 * others, the topology is {@code bin/spillway up}'s, and Kafka holds every topic of the registry. (Compose itself
 * validates the file in CI: {@code docker-compose config -q}.)
 */
class ComposeTest {

    private static final Pattern CREATE_TOPIC = Pattern.compile(
            "create --topic (\\S+) --partitions (\\d+) --replication-factor \\d+(?: --config cleanup.policy=(\\w+))?");

    private final Compose compose = Compose.load();

    @Test
    void everySpillwayServiceGetsEverySettingItsConfigurationNeedsAndNoneIsLeftOnLoopback() {
        List<String> problems = new ArrayList<>();
        for (String name : spillwayServices()) {
            ServiceConfiguration configuration = ServiceConfiguration.of(compose.module(name), compose.environment(name));
            configuration.problems().forEach(problem -> problems.add(name + ": " + problem));
        }
        assertEquals(List.of(), problems, "docker-compose.yml leaves these settings of its services wrong");
    }

    @Test
    void runsTheTopologyOfTheLocalStackOnItsPorts() {
        Map<String, Integer> expected = new LinkedHashMap<>();
        for (int i = 0; i < LocalStack.SERVICE_NAMES.size(); i++) {
            expected.put(LocalStack.SERVICE_NAMES.get(i), LocalStack.DEFAULT_PORTS.get(i));
        }
        assertEquals(expected.keySet().stream().sorted().toList(), spillwayServices().stream().sorted().toList(),
                "the compose stack and `bin/spillway up` run the same services");
        for (Map.Entry<String, Integer> service : expected.entrySet()) {
            String name = service.getKey();
            ServiceConfiguration configuration = ServiceConfiguration.of(compose.module(name),
                    compose.environment(name));
            int containerPort = Integer.parseInt(configuration.value("quarkus.http.port"));
            // The CLI (and its demo) reach each service where `bin/spillway up` puts it.
            assertEquals(Map.of(service.getValue(), containerPort), compose.ports(name), name + "'s published port");
            String site = siteOf(name);
            if (site != null) {
                assertEquals(site, configuration.value("spillway.site"), name + " serves its own site");
            }
        }
    }

    @Test
    void aSitesSchedulerStorageAgentAndSnapshotWorkerShareOneFilesystemRoot() {
        for (String site : List.of("onprem", "cloud")) {
            String storageRoot = ServiceConfiguration.of("storage-agent", compose.environment("storage-agent-" + site))
                    .value("spillway.storage.root");
            ServiceConfiguration scheduler = ServiceConfiguration.of("gpu-scheduler",
                    compose.environment("gpu-scheduler-" + site));
            ServiceConfiguration worker = ServiceConfiguration.of("snapshot-worker",
                    compose.environment("snapshot-worker-" + site));
            assertNotNull(storageRoot, site);
            assertEquals(storageRoot, scheduler.value("spillway.scheduler.filesystem-root"), site + " scheduler");
            assertEquals(storageRoot, worker.value("spillway.snapshot.sites." + site + ".root"), site + " worker");
            assertEquals(site, worker.value("spillway.snapshot.serves"), "the " + site + " worker serves " + site);
            for (String name : List.of("storage-agent-" + site, "gpu-scheduler-" + site, "snapshot-worker-" + site)) {
                assertTrue(compose.volumes(name).contains(storageRoot + ":" + storageRoot), name
                        + " mounts the site's filesystems at the path the host's CLI sees too: " + compose.volumes(name));
            }
        }
    }

    @Test
    void everyServiceHasAHealthcheckOnReadinessAndWaitsForWhatItNeeds() {
        for (String name : spillwayServices()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> healthcheck = (Map<String, Object>) compose.service(name).get("healthcheck");
            assertNotNull(healthcheck, name + " has a healthcheck");
            int containerPort = compose.ports(name).values().iterator().next();
            assertTrue(String.valueOf(healthcheck.get("test")).contains("/dev/tcp/127.0.0.1/" + containerPort)
                    && String.valueOf(healthcheck.get("test")).contains("/q/health/ready"),
                    name + " probes its own readiness: " + healthcheck.get("test"));
            Map<String, String> dependsOn = compose.dependsOn(name);
            assertEquals("service_completed_successfully", dependsOn.get("kafka-topics"), name + ": topics first");
            assertEquals("service_healthy", dependsOn.get("postgres"), name + " waits for PostgreSQL");
            if (compose.module(name).equals("snapshot-worker")) {
                assertTrue(dependsOn.containsKey("s3"), name + " waits for the S3 store");
            }
            if (compose.module(name).equals("gpu-scheduler")) {
                assertEquals("service_healthy", dependsOn.get("storage-agent-" + siteOf(name)),
                        name + " mounts volumes through its site's storage-agent");
            }
        }
        assertEquals("service_healthy", compose.dependsOn("kafka-topics").get("kafka"));
        assertNotNull(compose.service("kafka").get("healthcheck"));
        assertNotNull(compose.service("postgres").get("healthcheck"));
    }

    @Test
    void createsEveryTopicOfTheRegistryWithItsPartitionsAndPolicyBeforeAnyServiceStarts() {
        String command = String.valueOf(compose.service("kafka-topics").get("command"));
        Map<String, Topics.Topic> created = new LinkedHashMap<>();
        Matcher create = CREATE_TOPIC.matcher(command);
        while (create.find()) {
            created.put(create.group(1), new Topics.Topic(create.group(1), Integer.parseInt(create.group(2)),
                    "compact".equals(create.group(3)), create.group(1).startsWith("spillway.dlq.")));
        }
        assertEquals(Topics.registry(), List.copyOf(created.values()));
        assertTrue(String.valueOf(compose.service("kafka").get("environment"))
                .contains("KAFKA_AUTO_CREATE_TOPICS_ENABLE=false"), "a topic missing from the registry fails loudly");
    }

    @Test
    void everyServiceExportsItsTracesToJaegerWhichServesItsUiAndOtlp() {
        for (String name : spillwayServices()) {
            String endpoint = ServiceConfiguration.of(compose.module(name), compose.environment(name))
                    .value("quarkus.otel.exporter.otlp.traces.endpoint");
            assertEquals("http://jaeger:4318", endpoint, name + "'s traces");
        }
        assertTrue(String.valueOf(compose.service("jaeger").get("image")).startsWith("jaegertracing/jaeger:2."));
        assertEquals(Map.of(16686, 16686, 4317, 4317, 4318, 4318), compose.ports("jaeger"));
        assertTrue(String.valueOf(compose.service("kafka").get("image")).startsWith("apache/kafka:"),
                "the official Kafka image, KRaft");
    }

    @Test
    void theApiNeedsTheTokensThatComposeCredentialsWrites() {
        String file = Project.read(Project.root().resolve("docker-compose.yml"));
        assertTrue(file.contains("SPILLWAY_INTAKE_BOOTSTRAP_ADMIN_TOKEN_SHA256: ${SPILLWAY_ADMIN_TOKEN_SHA256:-}"),
                "job-intake's admin token hash comes from .env");
        assertTrue(file.contains("SPILLWAY_INTAKE_BOOTSTRAP_PROJECT_TOKEN_SHA256: ${SPILLWAY_PROJECT_TOKEN_SHA256:-}"),
                "job-intake's project token hash comes from .env");
        String script = Project.read(Project.root().resolve("bin/compose-credentials"));
        assertTrue(script.contains("SPILLWAY_ADMIN_TOKEN_SHA256=") && script.contains("SPILLWAY_PROJECT_TOKEN_SHA256="));
        assertFalse(Project.read(Project.root().resolve(".gitignore")).lines().noneMatch(".env"::equals),
                ".env holds the stack's token hashes: git ignores it");
    }

    private List<String> spillwayServices() {
        List<String> names = compose.names().stream().filter(compose::isSpillway).toList();
        assertFalse(names.isEmpty(), "docker-compose.yml runs no Spillway service");
        return names;
    }

    private static String siteOf(String name) {
        for (String site : List.of("onprem", "cloud")) {
            if (name.endsWith("-" + site)) {
                return site;
            }
        }
        return null;
    }
}
