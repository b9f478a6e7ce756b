package io.spillway.platform;

/**
 * Runs the Kafka broker and PostgreSQL server of a platform somewhere other than as its own local processes (the
 * tests run them as Testcontainers where a Docker engine answers).
 *
 * <p>
 * The platform then treats them as it treats reused ones: it waits for them, creates the Spillway topics and
 * databases, and closes each {@link Hosted#handle()} after the components that use it. The choice lives with the
 * caller: this module runs no containers itself, so the platform {@code spillway up} runs (whose processes must
 * outlive the JVM that starts them) carries no container runtime on its classpath.
 */
public interface ComponentHost {

    /** A started broker: {@code address} is its bootstrap address, {@code host:port}. */
    Hosted startKafka();

    /**
     * A started server: {@code address} is {@code postgresql://user:password@host:port/spillway}, as
     * {@value Platform#ENV_PG_URL} names one, for a user that may create databases.
     */
    Hosted startPostgres();

    /**
     * A component a host started.
     *
     * @param address where it answers
     * @param what how the platform's description names it, e.g. {@code container apache/kafka:4.1.1}
     * @param handle stops it
     */
    record Hosted(String address, String what, AutoCloseable handle) {
    }
}
