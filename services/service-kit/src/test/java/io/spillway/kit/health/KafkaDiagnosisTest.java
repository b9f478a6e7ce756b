package io.spillway.kit.health;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.IllegalSaslStateException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedSaslMechanismException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KafkaDiagnosisTest {

    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"spillway\" password=\"s3cr3t-pa55\";";
    private static final Map<String, Object> SASL_SSL = Map.of(
            "bootstrap.servers", "kafka-0.example:9093",
            "security.protocol", "SASL_SSL",
            "sasl.mechanism", "SCRAM-SHA-512",
            "sasl.jaas.config", JAAS,
            "ssl.truststore.location", "/etc/kafka/ca.p12",
            "ssl.truststore.password", "store-pa55");
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    @Test
    void refusedSaslCredentialsNameTheJaasConfigAndTheMechanismButNotThePassword() {
        var problem = KafkaDiagnosis.of(new ExecutionException(new SaslAuthenticationException(
                "Authentication failed during authentication due to invalid credentials with SASL mechanism"
                        + " SCRAM-SHA-512")),
                SASL_SSL, TIMEOUT);

        assertEquals("kafka.sasl.jaas.config, kafka.sasl.mechanism", problem.settings());
        assertTrue(problem.message().contains("kafka.sasl.jaas.config"), problem.message());
        assertTrue(problem.message().contains("kafka.sasl.mechanism=SCRAM-SHA-512"), problem.message());
        assertTrue(problem.message().contains("invalid credentials"), "keeps the broker's words: " + problem.message());
        assertFalse(problem.message().contains("s3cr3t-pa55"), problem.message());
    }

    @Test
    void aFailedTlsHandshakeNamesTheTruststoreAndTheProtocol() {
        var problem = KafkaDiagnosis.of(new SslAuthenticationException("SSL handshake failed",
                new javax.net.ssl.SSLHandshakeException("PKIX path building failed: unable to find valid"
                        + " certification path to requested target")),
                SASL_SSL, TIMEOUT);

        assertEquals("kafka.ssl.truststore.location, kafka.security.protocol", problem.settings());
        assertTrue(problem.message().contains("kafka.ssl.truststore.location=/etc/kafka/ca.p12"), problem.message());
        assertTrue(problem.message().contains("kafka.security.protocol=SASL_SSL"), problem.message());
        assertTrue(problem.message().contains("PKIX path building failed"), "says why: " + problem.message());
    }

    @Test
    void aTlsFailureWithoutATruststoreSaysTheJvmDefaultIsUsed() {
        var problem = KafkaDiagnosis.of(new SslAuthenticationException("SSL handshake failed"),
                Map.of("bootstrap.servers", "kafka:9093", "security.protocol", "SSL"), TIMEOUT);

        assertTrue(problem.message().contains("kafka.ssl.truststore.location=(not set: the JVM's default trust store)"),
                problem.message());
    }

    @Test
    void aMechanismTheListenerDoesNotEnableNamesTheMechanism() {
        var problem = KafkaDiagnosis.of(new UnsupportedSaslMechanismException("Client SASL mechanism"
                + " 'SCRAM-SHA-512' not enabled in the server, enabled mechanisms are [PLAIN]"), SASL_SSL, TIMEOUT);

        assertEquals("kafka.sasl.mechanism", problem.settings());
        assertTrue(problem.message().contains("kafka.sasl.mechanism=SCRAM-SHA-512"), problem.message());
    }

    @Test
    void saslAgainstAListenerWithoutSaslNamesTheSecurityProtocol() {
        var problem = KafkaDiagnosis.of(new IllegalSaslStateException("Unexpected handshake request with client"
                + " mechanism PLAIN, enabled mechanisms are []"),
                Map.of("bootstrap.servers", "kafka:9092", "security.protocol", "SASL_PLAINTEXT"), TIMEOUT);

        assertEquals("kafka.security.protocol", problem.settings());
        assertTrue(problem.message().contains("kafka.security.protocol=SASL_PLAINTEXT"), problem.message());
    }

    @Test
    void aClusterThatDoesNotAnswerNamesTheBootstrapServersAndTheirValue() {
        var problem = KafkaDiagnosis.of(new ExecutionException(new TimeoutException(
                "Timed out waiting for a node assignment. Call: describeCluster")),
                Map.of("bootstrap.servers", "127.0.0.1:1"), TIMEOUT);

        assertEquals("kafka.bootstrap.servers", problem.settings());
        assertTrue(problem.message().contains("kafka.bootstrap.servers=127.0.0.1:1"), problem.message());
        assertTrue(problem.message().contains("3 s"), "says how long it waited: " + problem.message());
    }

    @Test
    void anUnresolvableBootstrapAddressNamesTheBootstrapServers() {
        var problem = KafkaDiagnosis.of(new KafkaException("Failed to create new KafkaAdminClient",
                new ConfigException("No resolvable bootstrap urls given in bootstrap.servers")),
                Map.of("bootstrap.servers", "no-such-host.invalid:9092"), TIMEOUT);

        assertEquals("kafka.bootstrap.servers", problem.settings());
        assertTrue(problem.message().contains("no-such-host.invalid:9092"), problem.message());
    }

    @Test
    void anInvalidSettingIsNamedWithItsPrefix() {
        var problem = KafkaDiagnosis.of(new ConfigException("Invalid value SASL_TLS for configuration"
                + " security.protocol: String must be one of: PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL"),
                Map.of("bootstrap.servers", "kafka:9092", "security.protocol", "SASL_TLS"), TIMEOUT);

        assertEquals("kafka.security.protocol", problem.settings());
        assertTrue(problem.message().startsWith("kafka.security.protocol is invalid (SASL_TLS)"), problem.message());
    }

    @Test
    void aMissingJaasConfigNamesIt() {
        var problem = KafkaDiagnosis.of(new KafkaException("Failed to create new KafkaAdminClient",
                new IllegalArgumentException("Could not find a 'KafkaClient' entry in the JAAS configuration."
                        + " System property 'java.security.auth.login.config' is not set")),
                Map.of("bootstrap.servers", "kafka:9093", "security.protocol", "SASL_SSL"), TIMEOUT);

        assertEquals("kafka.sasl.jaas.config", problem.settings());
        assertTrue(problem.message().contains("kafka.security.protocol=SASL_SSL"), problem.message());
    }

    @Test
    void anUnreadableTruststoreNamesItsLocation() {
        var problem = KafkaDiagnosis.of(new KafkaException("Failed to create new KafkaAdminClient",
                new KafkaException("Failed to load SSL keystore /etc/kafka/ca.p12 of type PKCS12",
                        new java.io.IOException("keystore password was incorrect"))),
                SASL_SSL, TIMEOUT);

        assertEquals("kafka.ssl.truststore.location", problem.settings());
        assertTrue(problem.message().contains("keystore password was incorrect"), problem.message());
        assertFalse(problem.message().contains("store-pa55"), problem.message());
    }

    @Test
    void aSecretQuotedByAnExceptionIsHidden() {
        var problem = KafkaDiagnosis.of(new KafkaException("login failed for " + JAAS), SASL_SSL, TIMEOUT);

        assertFalse(problem.message().contains("s3cr3t-pa55"), problem.message());
        assertTrue(problem.message().contains("[hidden]"), problem.message());
    }
}
