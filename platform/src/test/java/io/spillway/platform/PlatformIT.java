package io.spillway.platform;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The platform's components, started as local processes (or reused from SPILLWAY_* variables) for this class. */
class PlatformIT {

    private static Platform platform;

    @BeforeAll
    static void start() {
        platform = Platform.start();
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void producesAndConsumesARecordOnTheBroker() throws Exception {
        // A topic of its own: a reused platform is shared with other builds, spillway.jobs is theirs.
        String topic = "platform-it-" + UUID.randomUUID();
        String key = UUID.randomUUID().toString();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.kafkaBootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            producer.send(new ProducerRecord<>(topic, key, "hello")).get();
        }

        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "platform-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                return !received.isEmpty();
            });
        }
        assertEquals(1, received.size());
        assertEquals(key, received.get(0).key());
        assertEquals("hello", received.get(0).value());
    }

    @Test
    void createsTheSpillwayTopicsWithTheirPartitionCountsAndCompactsTheProjectStream() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                platform.kafkaBootstrapServers()))) {
            Map<String, TopicDescription> topics = admin.describeTopics(KafkaBroker.topics()).allTopicNames().get();
            KafkaBroker.ENTITY_TOPICS.forEach(name -> assertEquals(3, topics.get(name).partitions().size(), name));
            KafkaBroker.DEAD_LETTER_TOPICS.forEach(name -> assertEquals(1, topics.get(name).partitions().size(), name));

            ConfigResource projects = new ConfigResource(ConfigResource.Type.TOPIC, "spillway.projects");
            Config config = admin.describeConfigs(List.of(projects)).all().get().get(projects);
            assertEquals("compact", config.get("cleanup.policy").value(),
                    "a scheduler that starts later must still find every project's last state");
        }
    }

    @Test
    void aCompactedTopicThatExistedWithTheDeletePolicyIsMadeCompacted() throws Exception {
        String topic = "platform-it-compact-" + UUID.randomUUID();
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                platform.kafkaBootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            assertEquals("delete", admin.describeConfigs(List.of(resource)).all().get().get(resource)
                    .get("cleanup.policy").value());

            KafkaBroker.compact(admin, List.of(topic));

            assertEquals("compact", admin.describeConfigs(List.of(resource)).all().get().get(resource)
                    .get("cleanup.policy").value());
            admin.deleteTopics(List.of(topic)).all().get();
        }
    }

    @Test
    void aDatabaseOfItsOwnIsCreatedForATestPlatformAndDroppedWhenItCloses() throws Exception {
        // A handle that does not own the server: closing it must drop the database, never stop a cluster.
        Postgres own = Postgres.at(platform.postgres().url()).withOwnDatabase("spillway_own_" + System.nanoTime() % 100000);
        try (Connection connection = own.connect();
                Statement sql = connection.createStatement();
                ResultSet db = sql.executeQuery("SELECT current_database()")) {
            db.next();
            assertEquals(own.database(), db.getString(1));
        }

        own.close();

        try (Connection connection = platform.postgres().connect();
                Statement sql = connection.createStatement();
                ResultSet exists = sql.executeQuery("SELECT count(*) FROM pg_database WHERE datname = '"
                        + own.database() + "'")) {
            exists.next();
            assertEquals(0, exists.getInt(1), own.database() + " was dropped");
        }
    }

    @Test
    void twoStacksOnOneServerGetTwoDatabasesAndAStackKeepsItsOwnAcrossRestarts(@TempDir Path home) throws Exception {
        Path first = home.resolve("first/.spillway/platform");
        Path second = home.resolve("second/.spillway/platform");
        Postgres server = Postgres.at(platform.postgres().url());
        Postgres firstStack = server.withStackDatabase(Platform.stackDatabase(first));
        Postgres secondStack = server.withStackDatabase(Platform.stackDatabase(second));
        try {
            assertNotEquals(firstStack.database(), secondStack.database());
            try (Connection connection = firstStack.connect(); Statement sql = connection.createStatement()) {
                sql.execute("CREATE TABLE filesystems (name text)");
                sql.execute("INSERT INTO filesystems VALUES ('results')");
            }
            firstStack.close();

            Postgres restarted = server.withStackDatabase(Platform.stackDatabase(first));
            assertEquals(firstStack.database(), restarted.database());
            try (Connection connection = restarted.connect();
                    Statement sql = connection.createStatement();
                    ResultSet rows = sql.executeQuery("SELECT count(*) FROM filesystems")) {
                rows.next();
                assertEquals(1, rows.getInt(1), "a stack's database outlives a stop");
            }
            try (Connection connection = secondStack.connect();
                    Statement sql = connection.createStatement();
                    ResultSet tables = sql.executeQuery("SELECT count(*) FROM pg_tables WHERE tablename = 'filesystems'")) {
                tables.next();
                assertEquals(0, tables.getInt(1), "the other stack sees none of it");
            }
        } finally {
            server.withOwnDatabase(firstStack.database()).close();
            server.withOwnDatabase(secondStack.database()).close();
        }
    }

    @Test
    void runsSqlAgainstPostgres() throws Exception {
        try (Connection connection = platform.postgres().connect(); Statement sql = connection.createStatement()) {
            sql.execute("CREATE TEMP TABLE platform_it (id int PRIMARY KEY, name text)");
            sql.execute("INSERT INTO platform_it VALUES (1, 'spillway'), (2, 'kafka')");
            try (ResultSet rows = sql.executeQuery("SELECT name FROM platform_it ORDER BY id")) {
                List<String> names = new ArrayList<>();
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
                assertEquals(List.of("spillway", "kafka"), names);
            }
            try (ResultSet db = sql.executeQuery("SELECT current_database()")) {
                db.next();
                assertEquals(platform.postgres().database(), db.getString(1));
                assertTrue(db.getString(1).startsWith(Postgres.DATABASE), "a Spillway database: " + db.getString(1));
            }
        }
    }

    @Test
    void storesAndReturnsAFiveMegabyteObjectInS3() {
        byte[] content = new byte[5 * 1024 * 1024 + 17];
        new Random(42).nextBytes(content);
        String key = "platform-it/" + UUID.randomUUID();
        try (S3Client s3 = platform.s3Client()) {
            s3.putObject(request -> request.bucket(platform.s3Bucket()).key(key), RequestBody.fromBytes(content));
            byte[] read = s3.getObjectAsBytes(request -> request.bucket(platform.s3Bucket()).key(key)).asByteArray();
            assertArrayEquals(content, read);
            s3.deleteObject(request -> request.bucket(platform.s3Bucket()).key(key));
        }
    }

    @Test
    void describesItselfToQuarkusAndToChildProcesses() {
        Map<String, String> config = platform.quarkusConfig();
        assertEquals(platform.kafkaBootstrapServers(), config.get("kafka.bootstrap.servers"));
        assertEquals(platform.postgres().jdbcUrl(), config.get("quarkus.datasource.jdbc.url"));
        assertEquals(platform.postgres().reactiveUrl(), config.get("quarkus.datasource.reactive.url"));
        assertEquals(platform.postgres().user(), config.get("quarkus.datasource.username"));
        assertEquals(platform.s3Endpoint(), config.get("spillway.s3.endpoint"));
        assertEquals(platform.s3Bucket(), config.get("spillway.s3.bucket"));
        assertEquals("us-east-1", config.get("spillway.s3.region"));
        assertTrue(config.keySet().containsAll(
                List.of("quarkus.datasource.password", "spillway.s3.access-key", "spillway.s3.secret-key")));
        assertTrue(platform.postgres().jdbcUrl().matches("jdbc:postgresql://[^/]+:\\d+/spillway(_[0-9a-f]{8})?"),
                platform.postgres().jdbcUrl());

        Map<String, String> env = platform.environment();
        assertTrue(env.keySet().containsAll(List.of(Platform.ENV_KAFKA_BOOTSTRAP, Platform.ENV_PG_URL,
                Platform.ENV_S3_ENDPOINT, Platform.ENV_S3_ACCESS_KEY, Platform.ENV_S3_SECRET_KEY,
                Platform.ENV_S3_BUCKET)), env.toString());
        assertEquals(platform.postgres().jdbcUrl(), Postgres.at(env.get(Platform.ENV_PG_URL)).jdbcUrl());
    }

    @Test
    void usesWhatAHostRunsAsItUsesAReusedComponentAndStopsItAfterTheComponents() throws Exception {
        // The class's broker and server stand in for containers; its s3proxy is reused through the environment.
        List<String> stopped = new CopyOnWriteArrayList<>();
        ComponentHost host = new ComponentHost() {
            @Override
            public Hosted startKafka() {
                return new Hosted(platform.kafkaBootstrapServers(), "hosted kafka", () -> stopped.add("kafka"));
            }

            @Override
            public Hosted startPostgres() {
                return new Hosted(platform.postgres().url(), "hosted postgres", () -> stopped.add("postgres"));
            }
        };
        Map<String, String> s3Only = new HashMap<>(platform.environment());
        s3Only.remove(Platform.ENV_KAFKA_BOOTSTRAP);
        s3Only.remove(Platform.ENV_PG_URL);

        String ownDatabase;
        try (Platform hosted = Platform.start(Platform.Options.temporary(s3Only).withHost(host))) {
            assertEquals(platform.kafkaBootstrapServers(), hosted.kafkaBootstrapServers());
            ownDatabase = hosted.postgres().database();
            assertTrue(ownDatabase.startsWith(Postgres.DATABASE + "_"), "a database of its own: " + ownDatabase);
            assertTrue(hosted.description().startsWith("Kafka hosted kafka (" + platform.kafkaBootstrapServers()
                    + "), PostgreSQL hosted postgres (jdbc:postgresql://"), hosted.description());
            assertTrue(hosted.description().endsWith("S3 external (" + platform.s3Endpoint() + ")"),
                    hosted.description());
            assertEquals(List.of(), stopped);
        }

        assertEquals(Set.of("kafka", "postgres"), Set.copyOf(stopped));
        try (Connection connection = platform.postgres().connect();
                Statement sql = connection.createStatement();
                ResultSet exists = sql.executeQuery("SELECT count(*) FROM pg_database WHERE datname = '"
                        + ownDatabase + "'")) {
            exists.next();
            assertEquals(0, exists.getInt(1), "its own database was dropped when it closed");
        }
    }
}
