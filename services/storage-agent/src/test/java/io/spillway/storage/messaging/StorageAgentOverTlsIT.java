package io.spillway.storage.messaging;

import java.io.InputStream;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;

import jakarta.inject.Inject;

import org.apache.kafka.common.Node;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.spillway.kit.Transactions;
import io.spillway.schemas.StorageEvent.FilesystemReady;
import io.spillway.schemas.StorageEvent.FilesystemRequested;
import io.spillway.schemas.Topics;
import io.spillway.storage.config.StorageAgentConfig;
import io.spillway.testing.OwnResourceProfile;
import io.spillway.testing.ServiceCalls;
import io.spillway.testing.TestEvents;
import io.spillway.testing.TestPlatform;
import io.spillway.testing.TlsTestResource;
import io.spillway.testing.TopicWatchingTest;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The storage-agent with every link over TLS, as docs/operating.md ("TLS") configures it: Kafka through a broker's
 * SSL listener (the application is given no other address), PostgreSQL with {@code sslmode=verify-full} on a server
 * that refuses plain connections, and its API on HTTPS only. The test's own Kafka clients connect over SSL too.
 */
@QuarkusTest
@TestProfile(StorageAgentOverTlsIT.TlsOnly.class)
class StorageAgentOverTlsIT extends TopicWatchingTest {

    /** Kafka, PostgreSQL and HTTP over TLS; the shared platform's broker and database are never configured. */
    public static class TlsOnly extends OwnResourceProfile {

        public TlsOnly() {
            super(TlsTestResource.class);
        }
    }

    StorageAgentOverTlsIT() {
        super(Topics.SNAPSHOTS);
    }

    @Inject
    StorageAgentConfig config;

    @Inject
    KafkaClientService clients;

    @Inject
    Transactions transactions;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @ConfigProperty(name = TlsTestResource.POSTGRES_OVER_TLS)
    boolean postgresOverTls;

    @ConfigProperty(name = TlsTestResource.TRUSTSTORE)
    String truststore;

    @ConfigProperty(name = TlsTestResource.TRUSTSTORE_PASSWORD)
    String truststorePassword;

    @TestHTTPResource(value = "/api/v1/filesystems", tls = true)
    URL filesystemsOverHttps;

    @Test
    void consumesAFilesystemRequestedAndProducesItsFilesystemReadyOverKafkaTls() {
        String filesystem = "over-tls-" + UUID.randomUUID().toString().substring(0, 8);
        String requestId = UUID.randomUUID().toString();

        events.send(TestEvents.cloudEvent(new FilesystemRequested(requestId, "onprem", filesystem)));

        FilesystemReady ready = await().atMost(TestEvents.TIMEOUT).until(
                () -> TestEvents.first(answers, FilesystemReady.class, r -> r.requestId().equals(requestId)),
                Optional::isPresent).orElseThrow();
        Path expected = config.root().toAbsolutePath().normalize().resolve(filesystem);
        assertEquals(expected.toString(), ready.mountPath());
        assertTrue(Files.isDirectory(expected), "the filesystem's directory exists");
        ServiceCalls.given().trustStore(truststore, truststorePassword)
                .get(filesystemsOverHttps.toString()).then().statusCode(200)
                .body("name", hasItem(filesystem));
    }

    @Test
    void everyKafkaClientOfTheServiceTalksSslToTheSslListenerAndLearnsOfNoOtherListener() {
        for (Map<String, ?> client : List.of(clients.getConsumer("snapshots").configuration(),
                clients.getProducer("spillway-outbox").configuration())) {
            assertEquals("SSL", String.valueOf(client.get("security.protocol")));
            assertEquals(bootstrapServers, String.valueOf(client.get("bootstrap.servers")));
            assertEquals(truststore, String.valueOf(client.get("ssl.truststore.location")));
        }
        assertNotEquals(TestPlatform.shared().kafkaBootstrapServers(), bootstrapServers,
                "not the shared platform's plaintext broker");
        // A client learns the brokers from the listener it bootstrapped on: the SSL one advertises itself only.
        for (Node node : kafka.cluster().nodes()) {
            assertEquals(bootstrapServers, node.host() + ":" + node.port());
        }
    }

    @Test
    void theServicesDatabaseSessionsRunOverVerifiedTls() {
        assumeTrue(postgresOverTls, "no initdb on this machine for a PostgreSQL over TLS");

        Boolean encrypted = transactions.inSession(session -> session
                .createNativeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", Boolean.class)
                .getSingleResult())
                .await().atMost(TestEvents.TIMEOUT);

        assertTrue(encrypted, "the reactive client's connection is encrypted");
        // Flyway's JDBC connection got through too (the schema is there), on a server that refuses plain ones.
        assertTrue(jdbcUrl.contains("sslmode=verify-full"), jdbcUrl);
    }

    @Test
    void servesItsApiOverHttpsToAClientThatTrustsTheCaAsTheCliWould() throws Exception {
        assertEquals("https", filesystemsOverHttps.getProtocol());
        HttpRequest request = HttpRequest.newBuilder(filesystemsOverHttps.toURI())
                .header("Authorization", "Bearer " + ServiceCalls.TOKEN).timeout(Duration.ofSeconds(30)).build();

        HttpResponse<String> trusted = HttpClient.newBuilder().sslContext(trusting(Path.of(truststore))).build()
                .send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, trusted.statusCode(), trusted.body());

        // The JDK's own CAs do not know the test's CA: the handshake fails before any request is made.
        assertThrows(SSLHandshakeException.class, () -> HttpClient.newHttpClient()
                .send(request, HttpResponse.BodyHandlers.ofString()));
    }

    private SSLContext trusting(Path store) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, truststorePassword.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(keys);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
