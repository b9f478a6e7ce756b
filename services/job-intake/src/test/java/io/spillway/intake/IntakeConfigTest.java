package io.spillway.intake;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;
import org.junit.jupiter.api.Test;

import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.spillway.intake.config.IntakeConfig;
import io.spillway.intake.scheduler.SchedulerClient;
import io.spillway.kit.security.ServiceCredential;
import io.vertx.mutiny.core.Vertx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mapping as a container sees it: environment variables, the shipped properties, and the defaults. */
class IntakeConfigTest {

    /** The ordinal Quarkus gives environment variables: above application.properties (250). */
    private static final int ENV_ORDINAL = 300;

    @Test
    void findsEverySiteConfiguredByEnvironmentVariables() {
        IntakeConfig config = config(env(Map.of(
                "SPILLWAY_INTAKE_SITES_ONPREM_SCHEDULER_URL", "http://gpu-scheduler-onprem:8081",
                "SPILLWAY_INTAKE_SITES_CLOUD_SCHEDULER_URL", "http://gpu-scheduler-cloud:8081")));

        assertEquals(Set.of("onprem", "cloud"), config.sites().keySet());
        assertEquals(Optional.of(URI.create("http://gpu-scheduler-onprem:8081")),
                config.sites().get("onprem").schedulerUrl());
        assertEquals(Optional.of(URI.create("http://gpu-scheduler-cloud:8081")),
                config.sites().get("cloud").schedulerUrl());
    }

    @Test
    void takesEveryOtherSettingFromEnvironmentVariables() {
        IntakeConfig config = config(env(Map.of(
                "SPILLWAY_INTAKE_DEFAULT_SITE", "cloud",
                "SPILLWAY_INTAKE_GPU_FRACTION_STEP", "0.25",
                "SPILLWAY_INTAKE_ALLOWED_MOUNT_ROOTS", "/data,/scratch",
                "SPILLWAY_INTAKE_INGEST_TYPES", "JobSubmitted",
                "SPILLWAY_INTAKE_BOOTSTRAP_PROJECT", "research",
                "SPILLWAY_INTAKE_BOOTSTRAP_PROJECT_DESERVED_GPUS", "4",
                "SPILLWAY_INTAKE_BOOTSTRAP_ADMIN_TOKEN_SHA256", "a".repeat(64),
                "SPILLWAY_INTAKE_BOOTSTRAP_PROJECT_TOKEN_SHA256", "b".repeat(64))));

        assertEquals("cloud", config.defaultSite());
        assertEquals(0.25, config.gpuFractionStep());
        assertEquals(List.of("/data", "/scratch"), config.allowedMountRoots());
        assertEquals(Set.of("JobSubmitted"), config.ingestTypes());
        assertEquals("research", config.bootstrap().project());
        assertEquals(4.0, config.bootstrap().projectDeservedGpus());
        assertEquals(Optional.of("a".repeat(64)), config.bootstrap().adminTokenSha256());
        assertEquals(Optional.of("b".repeat(64)), config.bootstrap().projectTokenSha256());
    }

    @Test
    void keepsTheDefaultsWhenNothingIsSet() {
        IntakeConfig config = config();

        assertEquals(Map.of(), config.sites());
        assertEquals("onprem", config.defaultSite());
        assertEquals(0.05, config.gpuFractionStep());
        assertEquals(List.of("/data", "/datasets", "/results", "/outputs", "/checkpoints", "/models", "/workspace",
                "/scratch", "/mnt", "/home"), config.allowedMountRoots());
        assertEquals(Set.of("JobSubmitted", "JobCancelled", "SnapshotRequested"), config.ingestTypes());
        assertEquals("default", config.bootstrap().project());
        assertEquals(0.0, config.bootstrap().projectDeservedGpus());
        assertEquals(Optional.empty(), config.bootstrap().adminTokenSha256());
        assertEquals(Optional.empty(), config.bootstrap().projectTokenSha256());
    }

    @Test
    void mapsEveryPropertyTheLocalStackAndTheTestsSet() {
        // What cli's LocalStack and IntakeTestResource pass: an unmapped key under the prefix would fail startup.
        IntakeConfig config = config(properties(Map.of(
                "spillway.site", "onprem",
                "spillway.intake.bootstrap.admin-token-sha256", "a".repeat(64),
                "spillway.intake.bootstrap.project-token-sha256", "b".repeat(64),
                "spillway.intake.bootstrap.project", "default",
                "spillway.intake.bootstrap.project-deserved-gpus", "2",
                "spillway.intake.sites.onprem.scheduler-url", "http://127.0.0.1:8081",
                "spillway.intake.sites.cloud.scheduler-url", "http://127.0.0.1:8082/")));

        assertEquals(Set.of("onprem", "cloud"), config.sites().keySet());
        assertEquals(2.0, config.bootstrap().projectDeservedGpus());
    }

    @Test
    void mapsTheShippedApplicationPropertiesInEveryProfile() throws Exception {
        ConfigSource shipped = new PropertiesConfigSource(getClass().getResource("/application.properties"), 250);
        for (String profile : List.of("dev", "test", "prod")) {
            IntakeConfig config = new SmallRyeConfigBuilder().withMapping(IntakeConfig.class).withProfile(profile)
                    .withSources(shipped).build().getConfigMapping(IntakeConfig.class);
            assertEquals("onprem", config.defaultSite(), profile);
        }
    }

    @Test
    void ignoresKubernetesServiceLinkVariablesThatShareThePrefix() {
        // A Service named spillway-intake puts these into every pod of its namespace.
        IntakeConfig config = config(env(Map.of(
                "SPILLWAY_INTAKE_SERVICE_HOST", "10.0.0.1",
                "SPILLWAY_INTAKE_PORT", "tcp://10.0.0.1:8080",
                "SPILLWAY_INTAKE_PORT_8080_TCP_ADDR", "10.0.0.1",
                "SPILLWAY_INTAKE_SITES_ONPREM_SCHEDULER_URL", "http://gpu-scheduler-onprem:8081")));

        assertEquals(Set.of("onprem"), config.sites().keySet());
    }

    @Test
    void takesTheUrlOfASiteWithADashInItsNameFromTheEnvironmentOnceThePropertiesNameIt() {
        // An environment variable cannot say whether EU_WEST is eu-west or eu.west; a property naming the site can.
        IntakeConfig config = config(
                properties(Map.of("spillway.intake.sites.eu-west.scheduler-url", "http://placeholder:1")),
                env(Map.of("SPILLWAY_INTAKE_SITES_EU_WEST_SCHEDULER_URL", "http://gpu-scheduler-eu-west:8081")));

        assertEquals(Optional.of(URI.create("http://gpu-scheduler-eu-west:8081")),
                config.sites().get("eu-west").schedulerUrl());
    }

    @Test
    void schedulerClientKnowsTheSitesOfTheEnvironmentAndLeavesOutOneWithAnEmptyUrl() {
        IntakeConfig config = config(env(Map.of(
                "SPILLWAY_INTAKE_SITES_ONPREM_SCHEDULER_URL", "http://gpu-scheduler-onprem:8081/",
                "SPILLWAY_INTAKE_SITES_CLOUD_SCHEDULER_URL", "http://gpu-scheduler-cloud:8081",
                "SPILLWAY_INTAKE_SITES_SPARE_SCHEDULER_URL", "")));
        Vertx vertx = Vertx.vertx();
        try {
            assertEquals(Map.of("onprem", "http://gpu-scheduler-onprem:8081", "cloud", "http://gpu-scheduler-cloud:8081"),
                    new SchedulerClient(vertx, config, ServiceCredential.of(Optional.empty())).sites());
        } finally {
            vertx.closeAndAwait();
        }
    }

    @Test
    void failsFastOnAMistypedPropertyUnderThePrefix() {
        ConfigValidationException failure = assertThrows(ConfigValidationException.class,
                () -> config(properties(Map.of("spillway.intake.sites.onprem.scheduler-uri", "http://x:8081"))));

        assertTrue(failure.getMessage().contains("spillway.intake.sites.onprem.scheduler-uri"), failure.getMessage());
    }

    private static IntakeConfig config(ConfigSource... sources) {
        return new SmallRyeConfigBuilder().withMapping(IntakeConfig.class).withSources(sources).build()
                .getConfigMapping(IntakeConfig.class);
    }

    private static ConfigSource env(Map<String, String> variables) {
        return new EnvConfigSource(variables, ENV_ORDINAL);
    }

    private static ConfigSource properties(Map<String, String> properties) {
        return new PropertiesConfigSource(properties, "application.properties", 250);
    }
}
