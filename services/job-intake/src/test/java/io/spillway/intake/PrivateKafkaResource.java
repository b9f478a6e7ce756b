package io.spillway.intake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.spillway.kit.security.TokenHash;
import io.spillway.platform.KafkaBroker;
import io.spillway.platform.Platform;
import io.spillway.testing.PlatformTestResource;

/**
 * The shared platform's database and S3, but a Kafka broker of this test's own, on fixed ports, that the test may
 * stop and start again: other tests keep their broker while this one has an outage.
 */
public class PrivateKafkaResource extends PlatformTestResource {

    private static Path dataDir;
    private static int port;
    private static int controllerPort;
    private static volatile KafkaBroker broker;

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        try {
            dataDir = Files.createTempDirectory("spillway-private-kafka");
            port = freePort();
            controllerPort = freePort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        startBroker();
        config.put("kafka.bootstrap.servers", bootstrapServers());
        config.put("spillway.intake.bootstrap.admin-token-sha256", TokenHash.sha256Hex(IntakeTestResource.ADMIN_TOKEN));
        // A separate consumer group offset space is not needed: the broker is new, its topics empty.
        return config;
    }

    static String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    static void stopBroker() {
        broker.close();
    }

    static void startBroker() {
        broker = KafkaBroker.start(dataDir, port, controllerPort, false);
    }

    @Override
    public void stop() {
        super.stop();
        if (broker != null) {
            broker.close();
        }
        Platform.deleteRecursively(dataDir);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
