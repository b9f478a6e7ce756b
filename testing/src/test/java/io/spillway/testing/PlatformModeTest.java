package io.spillway.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Whether a test JVM's platform runs Kafka and PostgreSQL as processes or Testcontainers, for every setting. */
class PlatformModeTest {

    static final BooleanSupplier DOCKER = () -> true;
    static final BooleanSupplier NO_DOCKER = () -> false;

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = { "", "  ", "auto", "AUTO", " Auto " })
    void autoRunsContainersWhenADockerEngineAnswers(String setting) {
        assertEquals(new PlatformMode(true, "SPILLWAY_TEST_PLATFORM=auto: a Docker engine answers"),
                PlatformMode.choose(setting, DOCKER));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = { "", "auto" })
    void autoRunsEmbeddedProcessesWhenNoDockerEngineAnswers(String setting) {
        assertEquals(new PlatformMode(false, "SPILLWAY_TEST_PLATFORM=auto: no Docker engine answers"),
                PlatformMode.choose(setting, NO_DOCKER));
    }

    @Test
    void embeddedRunsProcessesWithoutEverAskingForDocker() {
        AtomicInteger asked = new AtomicInteger();
        BooleanSupplier probe = () -> asked.incrementAndGet() > 0;

        assertEquals(new PlatformMode(false, "SPILLWAY_TEST_PLATFORM=embedded"),
                PlatformMode.choose("embedded", probe));
        assertEquals(0, asked.get());
    }

    @Test
    void containersRunsContainersWhenADockerEngineAnswers() {
        assertEquals(new PlatformMode(true, "SPILLWAY_TEST_PLATFORM=containers"),
                PlatformMode.choose("containers", DOCKER));
    }

    @Test
    void containersWithoutADockerEngineFailsNamingTheSettingAndTheWayOut() {
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> PlatformMode.choose("containers", NO_DOCKER));

        assertTrue(error.getMessage().startsWith("SPILLWAY_TEST_PLATFORM=containers, but Testcontainers finds no "
                + "Docker engine"), error.getMessage());
        assertTrue(error.getMessage().contains("set SPILLWAY_TEST_PLATFORM=embedded"), error.getMessage());
    }

    @Test
    void refusesASettingItDoesNotKnow() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> PlatformMode.choose("docker", DOCKER));

        assertEquals("SPILLWAY_TEST_PLATFORM is auto, embedded or containers, not 'docker'", error.getMessage());
    }

    /** On a machine without Docker (these build machines), through Testcontainers' real probe. */
    @Test
    void autoPicksEmbeddedHereQuicklyAndQuietlyThroughTheRealProbe() {
        assumeTrue(System.getenv("DOCKER_HOST") == null && !Files.exists(Path.of("/var/run/docker.sock")),
                "a Docker engine may answer on this machine");
        List<LogRecord> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger testcontainers = Logger.getLogger("org.testcontainers");
        testcontainers.addHandler(capture);
        try {
            PlatformMode mode = assertTimeoutPreemptively(Duration.ofSeconds(15),
                    () -> PlatformMode.choose("auto", PlatformMode::dockerAnswers));

            assertEquals(new PlatformMode(false, "SPILLWAY_TEST_PLATFORM=auto: no Docker engine answers"), mode);
            assertEquals(List.of(), logged.stream().map(LogRecord::getMessage).toList(),
                    "no Docker is no error when the platform then runs embedded");
        } finally {
            testcontainers.removeHandler(capture);
        }
    }
}
