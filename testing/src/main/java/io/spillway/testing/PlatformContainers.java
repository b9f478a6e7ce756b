package io.spillway.testing;

import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

import io.spillway.platform.ComponentHost;
import io.spillway.platform.Postgres;

/**
 * Kafka and PostgreSQL as Testcontainers, shaped like the embedded ones: a single-node KRaft broker whose bootstrap
 * address is {@code host:port}, and a PostgreSQL whose superuser {@code postgres} the platform then uses exactly as it
 * uses the embedded server (it creates the databases). They stop with the JVM at the latest (Ryuk).
 */
final class PlatformContainers implements ComponentHost {

    /** The Kafka line of the embedded broker (kafka_2.13 4.1.x from the Quarkus BOM), in KRaft mode. */
    static final DockerImageName KAFKA = DockerImageName.parse("apache/kafka:4.1.1");
    /** The major version docker-compose.yml runs. */
    static final DockerImageName POSTGRES = DockerImageName.parse("postgres:16.10");
    static final String POSTGRES_PASSWORD = "spillway";

    @Override
    public Hosted startKafka() {
        KafkaContainer kafka = kafka();
        return new Hosted(kafka.getBootstrapServers(), "container " + KAFKA.asCanonicalNameString(), kafka);
    }

    @Override
    public Hosted startPostgres() {
        PostgreSQLContainer postgres = postgres();
        return new Hosted(postgresUrl(postgres), "container " + POSTGRES.asCanonicalNameString(), postgres);
    }

    /** A started broker with the embedded one's defaults for topics the tests create on the fly. */
    static KafkaContainer kafka() {
        KafkaContainer kafka = new KafkaContainer(KAFKA)
                .withEnv("KAFKA_NUM_PARTITIONS", "3")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
                .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", "1");
        kafka.start();
        return kafka;
    }

    /** A started server; {@link #postgresUrl} names it in the form of SPILLWAY_PG_URL. */
    static PostgreSQLContainer postgres() {
        PostgreSQLContainer postgres = new PostgreSQLContainer(POSTGRES)
                .withUsername(Postgres.SUPERUSER)
                .withPassword(POSTGRES_PASSWORD)
                .withDatabaseName("postgres")
                // As the embedded cluster: room for every service of a test JVM.
                .withCommand("postgres", "-c", "fsync=off", "-c", "max_connections=200");
        postgres.start();
        return postgres;
    }

    /** {@code postgresql://postgres:<password>@host:port/spillway}. */
    static String postgresUrl(PostgreSQLContainer postgres) {
        return "postgresql://" + Postgres.SUPERUSER + ":" + POSTGRES_PASSWORD + "@" + postgres.getHost() + ":"
                + postgres.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT) + "/" + Postgres.DATABASE;
    }
}
