package io.spillway.platform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A private cluster with {@code ssl = on} that lets clients in over TLS only, verified against its CA. */
class PrivatePostgresTlsIT {

    @Test
    void servesTlsOnlyToClientsThatVerifyItsCertificateAndHostName(@TempDir Path dir) throws Exception {
        assumeTrue(Postgres.canStartPrivate(), "no initdb on this machine");
        // When we are root, PostgreSQL runs as another user, who must get through this directory.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        LoopbackCertificates certificates = LoopbackCertificates.create(dir.resolve("tls"));
        try (Postgres postgres = Postgres.startPrivateWithTls(dir.resolve("pg"), 0, certificates)) {
            assertEquals("jdbc:postgresql://127.0.0.1:" + postgres.port() + "/" + Postgres.DATABASE
                    + "?sslmode=verify-full&sslrootcert=" + certificates.caCertificate(), postgres.jdbcUrl());
            try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), Postgres.SUPERUSER, "");
                    Statement sql = connection.createStatement();
                    ResultSet row = sql.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
                row.next();
                assertTrue(row.getBoolean(1), "this very connection is encrypted");
            }

            Properties plain = new Properties();
            plain.setProperty("user", Postgres.SUPERUSER);
            plain.setProperty("sslmode", "disable");
            SQLException refused = assertThrows(SQLException.class, () -> DriverManager.getConnection(
                    "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/" + Postgres.DATABASE, plain).close());
            assertTrue(refused.getMessage().contains("no encryption"), refused.getMessage());

            Map<String, String> quarkus = postgres.quarkusConfig();
            assertEquals(postgres.jdbcUrl(), quarkus.get("quarkus.datasource.jdbc.url"));
            assertEquals("verify-full", quarkus.get("quarkus.datasource.reactive.postgresql.ssl-mode"));
            assertEquals("true", quarkus.get("quarkus.datasource.reactive.trust-certificate-pem"));
            assertEquals(certificates.caCertificate().toString(),
                    quarkus.get("quarkus.datasource.reactive.trust-certificate-pem.certs"));
            assertEquals("HTTPS", quarkus.get("quarkus.datasource.reactive.hostname-verification-algorithm"));
        }
    }
}
