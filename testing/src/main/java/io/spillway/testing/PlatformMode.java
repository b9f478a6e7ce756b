package io.spillway.testing;

import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.testcontainers.DockerClientFactory;

/**
 * Whether a test JVM's platform runs the Kafka and PostgreSQL it starts as local processes (embedded) or as
 * Testcontainers, and why: {@value #ENV} is {@code auto} (the default: containers when a Docker engine answers),
 * {@code embedded} or {@code containers}. S3 is s3proxy either way.
 *
 * @param containers whether Kafka and PostgreSQL run as containers
 * @param reason the setting, and what the Docker probe said when it was asked
 */
record PlatformMode(boolean containers, String reason) {

    static final String ENV = "SPILLWAY_TEST_PLATFORM";

    /**
     * The mode a setting asks for. {@code dockerAnswers} is asked only when the setting depends on it, so a forced
     * {@code embedded} never probes for Docker.
     *
     * @param setting the value of {@value #ENV}; null or blank is {@code auto}
     * @throws IllegalStateException when {@code containers} is asked for and no Docker engine answers
     * @throws IllegalArgumentException for any other setting
     */
    static PlatformMode choose(String setting, BooleanSupplier dockerAnswers) {
        String value = setting == null || setting.isBlank() ? "auto" : setting.trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "embedded" -> new PlatformMode(false, ENV + "=embedded");
            case "containers" -> {
                if (!dockerAnswers.getAsBoolean()) {
                    throw new IllegalStateException(ENV + "=containers, but Testcontainers finds no Docker engine "
                            + "(DOCKER_HOST, /var/run/docker.sock, ~/.testcontainers.properties; see "
                            + "https://java.testcontainers.org/on_failure.html). Start one, or set " + ENV
                            + "=embedded (or auto) to run Kafka and PostgreSQL as local processes");
                }
                yield new PlatformMode(true, ENV + "=containers");
            }
            case "auto" -> dockerAnswers.getAsBoolean()
                    ? new PlatformMode(true, ENV + "=auto: a Docker engine answers")
                    : new PlatformMode(false, ENV + "=auto: no Docker engine answers");
            default -> throw new IllegalArgumentException(ENV + " is auto, embedded or containers, not '" + setting
                    + "'");
        };
    }

    /**
     * Testcontainers' own probe (its answer is cached for the JVM). Kept quiet: without Docker it logs an ERROR with
     * every strategy it tried, which is no error for a platform that then runs embedded. Quiet through
     * java.util.logging, which is where SLF4J logs in this project's tests (slf4j-jboss-logmanager).
     */
    static boolean dockerAnswers() {
        Logger testcontainers = Logger.getLogger("org.testcontainers");
        Level before = testcontainers.getLevel();
        testcontainers.setLevel(Level.OFF);
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } finally {
            testcontainers.setLevel(before);
        }
    }
}
