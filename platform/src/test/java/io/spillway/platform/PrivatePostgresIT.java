package io.spillway.platform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The fallback for machines without a PostgreSQL on 5432: a private cluster from the machine's initdb/pg_ctl. */
class PrivatePostgresIT {

    @Test
    void startsAPrivateClusterWithTheSpillwayDatabaseAndStopsIt(@TempDir Path dir) throws Exception {
        assumeTrue(hasInitdb(), "no initdb on this machine");
        // When we are root, PostgreSQL runs as another user, who must get through this directory.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        long pid;
        try (Postgres postgres = Postgres.startPrivate(dir.resolve("pg"), 0)) {
            assertTrue(postgres.pid().isPresent());
            pid = postgres.pid().getAsLong();
            try (Connection connection = postgres.connect();
                    Statement sql = connection.createStatement();
                    ResultSet row = sql.executeQuery("SELECT current_database(), current_setting('port')")) {
                row.next();
                assertEquals(Postgres.DATABASE, row.getString(1));
                assertEquals(Integer.toString(postgres.port()), row.getString(2));
            }
        }
        // pg_ctl stop -w returns once the pid file is gone; the process itself may take a moment more.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }

    private static boolean hasInitdb() {
        try {
            Postgres.binaries();
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }
}
