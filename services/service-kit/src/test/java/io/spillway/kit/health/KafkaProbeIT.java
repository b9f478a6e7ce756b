package io.spillway.kit.health;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.spillway.testing.TestPlatform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The probe against the real broker of the test platform, with right and wrong settings. */
class KafkaProbeIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    @Test
    void theRunningBrokerIsUpWithItsClusterId() {
        HealthCheckResponse response = probe(Map.of("bootstrap.servers", broker()));

        assertEquals(HealthCheckResponse.Status.UP, response.getStatus(), () -> String.valueOf(response.getData()));
        Map<String, Object> data = response.getData().orElseThrow();
        assertEquals(broker(), data.get("kafka.bootstrap.servers"));
        assertEquals(1L, data.get("nodes"));
        assertFalse(String.valueOf(data.get("cluster.id")).isBlank());
    }

    @Test
    void aClosedPortIsDownNamingTheBootstrapServersAndTheirValue() throws IOException {
        String closed = "127.0.0.1:" + closedPort();

        HealthCheckResponse response = probe(Map.of("bootstrap.servers", closed));

        assertEquals(HealthCheckResponse.Status.DOWN, response.getStatus());
        Map<String, Object> data = response.getData().orElseThrow();
        assertEquals("kafka.bootstrap.servers", data.get("setting"));
        assertTrue(String.valueOf(data.get("error")).contains("kafka.bootstrap.servers=" + closed), data::toString);
    }

    @Test
    void tlsAgainstAPlaintextListenerIsDownNamingTheBootstrapServersAndTheProtocol() {
        Map<String, Object> config = new HashMap<>(Map.of("bootstrap.servers", broker()));
        config.put("security.protocol", "SSL");

        HealthCheckResponse response = probe(config);

        assertEquals(HealthCheckResponse.Status.DOWN, response.getStatus());
        Map<String, Object> data = response.getData().orElseThrow();
        assertEquals("kafka.bootstrap.servers, kafka.security.protocol", data.get("setting"));
        assertTrue(String.valueOf(data.get("error")).contains("kafka.security.protocol=SSL"), data::toString);
    }

    @Test
    void aListenerCertificateTheTruststoreDoesNotTrustIsDownNamingTheTruststore(@TempDir Path dir) throws Exception {
        try (TlsListener listener = TlsListener.selfSigned(dir)) {
            Path truststore = dir.resolve("other-ca.p12");
            keytool("-genkeypair", "-keystore", truststore.toString(), "-storetype", "PKCS12", "-storepass",
                    "changeit", "-alias", "other-ca", "-dname", "CN=other-ca", "-keyalg", "EC", "-validity", "2");
            Map<String, Object> config = new HashMap<>(Map.of("bootstrap.servers", listener.address()));
            config.put("security.protocol", "SSL");
            config.put("ssl.truststore.location", truststore.toString());
            config.put("ssl.truststore.type", "PKCS12");
            config.put("ssl.truststore.password", "changeit");

            HealthCheckResponse response = probe(config);

            assertEquals(HealthCheckResponse.Status.DOWN, response.getStatus());
            Map<String, Object> data = response.getData().orElseThrow();
            assertEquals("kafka.ssl.truststore.location, kafka.security.protocol", data.get("setting"));
            String error = String.valueOf(data.get("error"));
            assertTrue(error.contains("kafka.ssl.truststore.location=" + truststore), error);
            assertFalse(error.contains("changeit"), error);
        }
    }

    @Test
    void saslAgainstAPlaintextListenerIsDownNamingTheSecurityProtocol() {
        Map<String, Object> config = new HashMap<>(Map.of("bootstrap.servers", broker()));
        config.put("security.protocol", "SASL_PLAINTEXT");
        config.put("sasl.mechanism", "PLAIN");
        config.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " username=\"spillway\" password=\"wrong-listener\";");

        HealthCheckResponse response = probe(config);

        assertEquals(HealthCheckResponse.Status.DOWN, response.getStatus());
        Map<String, Object> data = response.getData().orElseThrow();
        assertTrue(String.valueOf(data.get("setting")).contains("kafka.security.protocol"), data::toString);
        assertFalse(String.valueOf(data.get("error")).contains("wrong-listener"), data::toString);
    }

    private static HealthCheckResponse probe(Map<String, Object> config) {
        try (KafkaProbe probe = new KafkaProbe(config, "kafka-probe-it", TIMEOUT)) {
            return probe.check();
        }
    }

    private static String broker() {
        return TestPlatform.shared().kafkaBootstrapServers();
    }

    static void keytool(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), () -> "keytool failed: " + output);
    }

    /**
     * A TLS server with a fresh self-signed certificate that completes handshakes and nothing else: where a Kafka
     * client meets a certificate its truststore does not hold.
     */
    record TlsListener(SSLServerSocket server, Thread acceptor) implements AutoCloseable {

        static TlsListener selfSigned(Path dir) throws Exception {
            Path keystore = dir.resolve("listener.p12");
            keytool("-genkeypair", "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
                    "-alias", "listener", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1", "-keyalg", "EC",
                    "-validity", "2");
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(keystore)) {
                keys.load(in, "changeit".toCharArray());
            }
            KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            managers.init(keys, "changeit".toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(managers.getKeyManagers(), null, null);
            SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory()
                    .createServerSocket(0, 16, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try (SSLSocket socket = (SSLSocket) server.accept()) {
                        socket.startHandshake();
                    } catch (IOException e) {
                        // The client refuses the certificate, or the test closed the server: both expected.
                    }
                }
            }, "tls-listener");
            acceptor.setDaemon(true);
            acceptor.start();
            return new TlsListener(server, acceptor);
        }

        String address() {
            return "127.0.0.1:" + server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    /** A port nobody listens on: free a moment ago, and this test binds nothing to it. */
    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
