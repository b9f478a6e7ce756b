package io.spillway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.spillway.platform.KafkaBroker;
import io.spillway.platform.LoopbackCertificates;
import io.spillway.platform.Platform;
import io.spillway.platform.Postgres;

/**
 * Points the application under test at TLS endpoints only, all with one certificate for 127.0.0.1 signed by a CA made
 * for the test: a Kafka broker of its own, reached over its SSL listener ({@code kafka.security.protocol=SSL}); a
 * private PostgreSQL cluster that lets in TLS connections only, verified with {@code sslmode=verify-full} (where the
 * machine has initdb; else the shared platform's database, see {@link #POSTGRES_OVER_TLS}); and HTTPS with plain HTTP
 * disabled. S3 is the shared platform's. Injects a {@link KafkaCompanion} that connects over SSL too. Use it through a
 * {@link OwnResourceProfile}, so the shared platform's broker is never configured.
 */
public class TlsTestResource extends KafkaCompanionResource {

    /**
     * {@code true} in the application's configuration when its database is reached over TLS: a test of the database
     * link assumes it, since a machine without initdb has only the shared platform's server.
     */
    public static final String POSTGRES_OVER_TLS = "spillway.test.postgres-over-tls";
    /** The CA that signed every certificate the application serves or connects to, PEM. */
    public static final String CA_CERTIFICATE = "spillway.test.tls.ca-certificate";
    /** A PKCS12 truststore holding that CA, and its password. */
    public static final String TRUSTSTORE = "spillway.test.tls.truststore";
    public static final String TRUSTSTORE_PASSWORD = "spillway.test.tls.truststore-password";

    private Path dir;
    private KafkaBroker broker;
    private Postgres postgres;

    @Override
    public Map<String, String> start() {
        Platform shared = TestPlatform.shared();
        try {
            // When we are root, the private PostgreSQL runs as another user, who must get through this directory.
            dir = Files.createTempDirectory("spillway-tls-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a directory for the TLS test resource", e);
        }
        LoopbackCertificates certificates = LoopbackCertificates.create(dir.resolve("tls"));
        // Both take seconds; neither needs the other.
        CompletableFuture<KafkaBroker> kafka = CompletableFuture.supplyAsync(
                () -> KafkaBroker.startWithTls(dir.resolve("kafka"), certificates));
        CompletableFuture<Postgres> database = CompletableFuture.supplyAsync(() -> Postgres.canStartPrivate()
                ? Postgres.startPrivateWithTls(dir.resolve("pg"), 0, certificates)
                : null);
        try {
            // Both settled before either is looked at, so a failure of one never leaves the other running.
            CompletableFuture.allOf(kafka, database).exceptionally(failure -> null).join();
            broker = kafka.join();
            postgres = database.join();
        } catch (CompletionException e) {
            stopQuietly(kafka);
            stopQuietly(database);
            throw new IllegalStateException("The TLS test resource did not start", e.getCause());
        }
        KafkaBroker.TlsListener tls = broker.tls().orElseThrow();
        companion = new KafkaCompanion(tls.bootstrapServers());
        companion.setCommonClientConfig(new HashMap<>(tls.clientConfig()));

        Map<String, String> config = new LinkedHashMap<>(shared.quarkusConfig());
        config.putAll(tls.quarkusConfig());
        if (postgres != null) {
            config.putAll(postgres.quarkusConfig());
        }
        config.put(POSTGRES_OVER_TLS, Boolean.toString(postgres != null));
        // HTTPS on a free port from the certificate's keystore, through the TLS registry's default configuration.
        config.put("quarkus.tls.key-store.p12.path", certificates.keystore().toString());
        config.put("quarkus.tls.key-store.p12.password", certificates.password());
        config.put("quarkus.http.test-ssl-port", "0");
        config.put("quarkus.http.insecure-requests", "disabled");
        config.put(CA_CERTIFICATE, certificates.caCertificate().toString());
        config.put(TRUSTSTORE, certificates.truststore().toString());
        config.put(TRUSTSTORE_PASSWORD, certificates.password());
        return withServiceCredential(config);
    }

    @Override
    public void stop() {
        closeCompanion();
        if (broker != null) {
            broker.close();
            broker = null;
        }
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
        if (dir != null) {
            Platform.deleteRecursively(dir);
            dir = null;
        }
    }

    private static void stopQuietly(CompletableFuture<? extends AutoCloseable> started) {
        try {
            AutoCloseable component = started.getNow(null);
            if (component != null) {
                component.close();
            }
        } catch (Exception e) {
            // It did not start, or is failing anyway; the cause that matters is the one thrown.
        }
    }
}
