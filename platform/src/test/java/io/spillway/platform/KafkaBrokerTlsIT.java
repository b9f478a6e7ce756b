package io.spillway.platform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A broker started with an SSL listener: clients with its truststore get through over TLS, others do not. */
class KafkaBrokerTlsIT {

    private static Path dir;
    private static KafkaBroker broker;
    private static KafkaBroker.TlsListener tls;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("spillway-kafka-tls-it");
        broker = KafkaBroker.startWithTls(dir);
        tls = broker.tls().orElseThrow();
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
        Platform.deleteRecursively(dir);
    }

    @Test
    void producesAndConsumesOverTheSslListenerWithOnlyItsAddressAndTruststore() throws Exception {
        assertNotEquals(broker.bootstrapServers(), tls.bootstrapServers(), "a listener of its own");
        String topic = "kafka-tls-it-" + UUID.randomUUID();
        String key = UUID.randomUUID().toString();
        Map<String, Object> producerConfig = new HashMap<>(tls.clientConfig());
        producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig)) {
            producer.send(new ProducerRecord<>(topic, key, "over TLS")).get(60, TimeUnit.SECONDS);
        }

        Map<String, Object> consumerConfig = new HashMap<>(tls.clientConfig());
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "kafka-tls-it-" + UUID.randomUUID());
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerConfig.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        consumerConfig.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig)) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                return !received.isEmpty();
            });
        }
        assertEquals(key, received.get(0).key());
        assertEquals("over TLS", received.get(0).value());
    }

    @Test
    void aClientThatDoesNotTrustTheBrokersCaIsRefusedInTheHandshake() {
        Map<String, Object> config = new HashMap<>(tls.clientConfig());
        // The JDK's own CAs, as a client configured with SSL but no truststore would have.
        config.remove("ssl.truststore.location");
        config.remove("ssl.truststore.password");
        config.remove("ssl.truststore.type");
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");

        ExecutionException failure;
        try (Admin admin = Admin.create(config)) {
            failure = assertThrows(ExecutionException.class, () -> admin.describeCluster(
                    new DescribeClusterOptions().timeoutMs(15_000)).clusterId().get(30, TimeUnit.SECONDS));
        }
        assertInstanceOf(SslAuthenticationException.class, failure.getCause(), failure.toString());
    }

    @Test
    void theQuarkusSettingsGiveEveryKafkaClientTheSslListenerAndTheTruststore() {
        Map<String, String> config = tls.quarkusConfig();

        assertEquals(tls.bootstrapServers(), config.get("kafka.bootstrap.servers"));
        assertEquals("SSL", config.get("kafka.security.protocol"));
        assertEquals(tls.truststore().toString(), config.get("kafka.ssl.truststore.location"));
        assertEquals(tls.truststorePassword(), config.get("kafka.ssl.truststore.password"));
        assertEquals("PKCS12", config.get("kafka.ssl.truststore.type"));
        assertTrue(Files.isReadable(tls.truststore()));
        assertFalse(tls.toString().contains(tls.truststorePassword()), "a log line never shows the password");
    }

    @Test
    void theBrokerWithoutTheOptionHasNoSslListener() {
        assertTrue(KafkaBroker.at("127.0.0.1:9092").tls().isEmpty());
    }
}
