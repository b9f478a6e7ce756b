package io.spillway.kit.health;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.spillway.platform.KafkaBroker;
import io.spillway.platform.Platform;
import io.spillway.testing.PlatformTestResource;

/**
 * The shared platform's database, but a Kafka broker of this test's own whose clients must authenticate: the
 * application is given only its SASL_PLAINTEXT listener and the {@code kafka.*} settings to use it. The test reads
 * and writes through the broker's PLAINTEXT listener.
 */
public class SaslKafkaResource extends PlatformTestResource {

    static final String USER = "spillway-kit";
    static final String PASSWORD = "kit-pa55word";

    private static Path dataDir;
    private static KafkaBroker broker;

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        try {
            dataDir = Files.createTempDirectory("spillway-sasl-kafka");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        broker = KafkaBroker.startWithSaslPlain(dataDir, USER, PASSWORD);
        config.putAll(saslSettings(PASSWORD));
        return config;
    }

    /** What an operator writes to reach the SASL listener, with {@code password}. */
    static Map<String, String> saslSettings(String password) {
        return Map.of(
                "kafka.bootstrap.servers", broker.saslBootstrapServers().orElseThrow(),
                "kafka.security.protocol", "SASL_PLAINTEXT",
                "kafka.sasl.mechanism", "PLAIN",
                "kafka.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required"
                        + " username=\"" + USER + "\" password=\"" + password + "\";");
    }

    /** The broker's PLAINTEXT listener, for the test's own clients. */
    static String plaintextBootstrapServers() {
        return broker.bootstrapServers();
    }

    @Override
    public void stop() {
        super.stop();
        if (broker != null) {
            broker.close();
        }
        Platform.deleteRecursively(dataDir);
    }
}
