package io.spillway.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The PostgreSQL server the platform uses: the one already listening on 127.0.0.1:5432, one named by a
 * URL, or a private cluster run with the machine's initdb/pg_ctl. Either way database {@value #DATABASE} exists.
 */
public final class Postgres implements AutoCloseable {

    public static final String DATABASE = "spillway";
    /** The user the platform connects as to create databases, on every server it starts or is given. */
    public static final String SUPERUSER = "postgres";

    static final String DEFAULT_HOST = Readiness.HOST;
    static final int DEFAULT_PORT = 5432;

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final String database;
    private boolean dropOnClose;
    /** Set only for a private cluster this platform started. */
    private final PrivateCluster cluster;
    /** The CA (PEM) that signed the server's certificate when it is reached over TLS only; null over plain TCP. */
    private final Path tlsRootCertificate;

    private Postgres(String host, int port, String user, String password, String database, PrivateCluster cluster) {
        this(host, port, user, password, database, cluster, null);
    }

    private Postgres(String host, int port, String user, String password, String database, PrivateCluster cluster,
            Path tlsRootCertificate) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.database = database;
        this.cluster = cluster;
        this.tlsRootCertificate = tlsRootCertificate;
    }

    /**
     * Reuses the server on 127.0.0.1:5432 when it lets user {@code postgres} in without a password;
     * else initialises (once) and starts a private cluster under {@code dir} on {@code privatePort} (0: free).
     */
    public static Postgres startOrReuse(Path dir, int privatePort) {
        Postgres local = new Postgres(DEFAULT_HOST, DEFAULT_PORT, SUPERUSER, "", DATABASE, null);
        if (local.answers(Duration.ofSeconds(3))) {
            local.ensureDatabase();
            return local;
        }
        return startPrivate(dir, privatePort);
    }

    /** A server named by {@code postgresql://user:password@host:port/database}; {@link #close()} leaves it alone. */
    public static Postgres external(String url) {
        Postgres postgres = at(url);
        Readiness.await("PostgreSQL at " + postgres.host + ":" + postgres.port, Readiness.START_TIMEOUT, () -> {
        }, () -> {
            postgres.connectTo("postgres").close();
            return true;
        });
        postgres.ensureDatabase();
        return postgres;
    }

    /** Parses {@code postgresql://user:password@host:port/database} without connecting. */
    static Postgres at(String url) {
        URI uri = URI.create(url.startsWith("jdbc:") ? url.substring("jdbc:".length()) : url);
        if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
            throw new IllegalArgumentException("Not a postgresql:// URL: " + url);
        }
        String user = SUPERUSER;
        String password = "";
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = decode(parts[0]);
            password = parts.length > 1 ? decode(parts[1]) : "";
        }
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        return new Postgres(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : DEFAULT_PORT, user, password,
                path.isEmpty() ? DATABASE : path, null);
    }

    static Postgres startPrivate(Path dir, int requestedPort) {
        return startPrivate(dir, requestedPort, null);
    }

    /**
     * Like {@link #startPrivate}, with {@code ssl = on}, serving the server certificate of {@code certificates}, and
     * letting clients in over TLS only: a connection without TLS is refused. Its URLs and {@link #quarkusConfig()}
     * verify the certificate and the host name against the CA of {@code certificates}.
     */
    public static Postgres startPrivateWithTls(Path dir, int requestedPort, LoopbackCertificates certificates) {
        return startPrivate(dir, requestedPort, certificates);
    }

    private static Postgres startPrivate(Path dir, int requestedPort, LoopbackCertificates certificates) {
        int port = Readiness.portOrFree(requestedPort, "PostgreSQL");
        PrivateCluster cluster = PrivateCluster.start(dir, port, certificates);
        Postgres postgres = new Postgres(DEFAULT_HOST, port, SUPERUSER, "", DATABASE, cluster,
                certificates == null ? null : certificates.caCertificate());
        try {
            Readiness.await("PostgreSQL on port " + port, Readiness.START_TIMEOUT, () -> {
            }, () -> {
                postgres.connectTo("postgres").close();
                return true;
            });
            postgres.ensureDatabase();
        } catch (RuntimeException e) {
            cluster.stop();
            throw new IllegalStateException("PostgreSQL did not start on port " + port + "; last lines of "
                    + cluster.log + ":\n" + ManagedProcess.tail(cluster.log, 40), e);
        }
        return postgres;
    }

    /** Whether this machine has initdb and pg_ctl to start a private cluster with. */
    public static boolean canStartPrivate() {
        try {
            binaries();
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** The directory holding initdb and pg_ctl; fails when the machine has none. */
    static Path binaries() {
        return PrivateCluster.binaries();
    }

    /** Stops the private cluster whose data directory is {@code data} (PlatformMain stop). */
    static void stopCluster(Path data) {
        PrivateCluster.stop(data);
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String user() {
        return user;
    }

    /** Empty with trust authentication. */
    public String password() {
        return password;
    }

    public String database() {
        return database;
    }

    /**
     * {@code jdbc:postgresql://host:port/database}; over TLS with {@code ?sslmode=verify-full&sslrootcert=<CA PEM>},
     * the settings libpq and Flyway's JDBC driver read alike.
     */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database
                + (tlsRootCertificate == null ? "" : "?sslmode=verify-full&sslrootcert=" + tlsRootCertificate);
    }

    /** The CA's certificate (PEM) when the server is reached over TLS only. */
    public Optional<Path> tlsRootCertificate() {
        return Optional.ofNullable(tlsRootCertificate);
    }

    /**
     * The Quarkus datasource settings for this database: the JDBC URL (Flyway), the reactive URL (Hibernate Reactive)
     * and the credentials; over TLS, the reactive client's {@code verify-full} settings too.
     */
    public Map<String, String> quarkusConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("quarkus.datasource.jdbc.url", jdbcUrl());
        config.put("quarkus.datasource.reactive.url", reactiveUrl());
        config.put("quarkus.datasource.username", user);
        config.put("quarkus.datasource.password", password);
        if (tlsRootCertificate != null) {
            config.put("quarkus.datasource.reactive.postgresql.ssl-mode", "verify-full");
            config.put("quarkus.datasource.reactive.trust-certificate-pem", "true");
            config.put("quarkus.datasource.reactive.trust-certificate-pem.certs", tlsRootCertificate.toString());
            // The Vert.x client checks the host name only when told which algorithm to use; verify-full needs it.
            config.put("quarkus.datasource.reactive.hostname-verification-algorithm", "HTTPS");
        }
        return config;
    }

    /** {@code postgresql://host:port/database}, as quarkus.datasource.reactive.url wants it. */
    public String reactiveUrl() {
        return "postgresql://" + host + ":" + port + "/" + database;
    }

    /** {@code postgresql://user:password@host:port/database}: the form of SPILLWAY_PG_URL. */
    public String url() {
        return "postgresql://" + encode(user) + ":" + encode(password) + "@" + host + ":" + port + "/" + database;
    }

    /** A new JDBC connection to the Spillway database; the caller closes it. */
    public Connection connect() throws SQLException {
        return connectTo(database);
    }

    /** The postmaster's pid when this platform started the cluster. */
    public OptionalLong pid() {
        return cluster == null ? OptionalLong.empty() : cluster.pid();
    }

    /** The private cluster's data directory, if this platform started one. */
    public Optional<Path> dataDirectory() {
        return cluster == null ? Optional.empty() : Optional.of(cluster.data);
    }

    /** Stops the private cluster if this platform started one. */
    @Override
    public void close() {
        if (dropOnClose) {
            try (Connection connection = connectTo("postgres"); Statement drop = connection.createStatement()) {
                drop.execute("DROP DATABASE IF EXISTS \"" + database.replace("\"", "\"\"") + "\" WITH (FORCE)");
            } catch (SQLException e) {
                System.err.println("spillway-platform: could not drop database " + database + ": " + e.getMessage());
            }
        }
        if (cluster != null) {
            cluster.stop();
        }
    }

    /**
     * A database of its own on the same server, created now and dropped on {@link #close()}: test JVMs that
     * share the machine's PostgreSQL never see each other's rows, nor those of an earlier run.
     */
    Postgres withOwnDatabase(String name) {
        return withDatabase(name, true);
    }

    /**
     * A long-lived stack's database on the same server, created now if it is missing and kept on {@link #close()}: two
     * stacks on one machine's PostgreSQL never see each other's rows.
     */
    Postgres withStackDatabase(String name) {
        return withDatabase(name, false);
    }

    private Postgres withDatabase(String name, boolean dropOnClose) {
        Postgres own = new Postgres(host, port, user, password, name, cluster, tlsRootCertificate);
        own.dropOnClose = dropOnClose;
        own.ensureDatabase();
        return own;
    }

    boolean answers(Duration timeout) {
        try (Connection ignored = connectTo("postgres", timeout)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private Connection connectTo(String db) throws SQLException {
        return connectTo(db, Duration.ofSeconds(5));
    }

    private Connection connectTo(String db, Duration timeout) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        properties.setProperty("connectTimeout", Long.toString(Math.max(1, timeout.toSeconds())));
        properties.setProperty("loginTimeout", Long.toString(Math.max(1, timeout.toSeconds())));
        if (tlsRootCertificate != null) {
            properties.setProperty("sslmode", "verify-full");
            properties.setProperty("sslrootcert", tlsRootCertificate.toString());
        }
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + db, properties);
    }

    private void ensureDatabase() {
        try (Connection connection = connectTo("postgres");
                PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, database);
            if (exists.executeQuery().next()) {
                return;
            }
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE DATABASE \"" + database.replace("\"", "\"\"") + "\"");
            } catch (SQLException e) {
                // Another JVM (a parallel module build) may have created it a moment ago.
                if (!"42P04".equals(e.getSQLState()) && !"23505".equals(e.getSQLState())) {
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create database " + database + " on " + host + ":" + port, e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }

    /** A cluster under {@code dir/data}, owned and run by an unprivileged user when the platform runs as root. */
    private static final class PrivateCluster {

        private final Path data;
        private final Path log;

        private PrivateCluster(Path dir) {
            this.data = dir.resolve("data");
            this.log = dir.resolve("postgres.log");
        }

        static PrivateCluster start(Path dir, int port, LoopbackCertificates certificates) {
            PrivateCluster cluster = new PrivateCluster(dir);
            Path bin = binaries();
            try {
                Files.createDirectories(dir);
                Optional<String> osUser = runAsUser();
                if (osUser.isPresent()) {
                    // PostgreSQL refuses to run as root; the directory must belong to the user that runs it.
                    UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
                    Files.setOwner(dir, users.lookupPrincipalByName(osUser.get()));
                    ManagedProcess.run("Checking that " + osUser.get() + " can write " + dir,
                            asUser(List.of("test", "-w", dir.toString())), dir.resolve("access-check.log"),
                            Duration.ofSeconds(10));
                }
                if (!Files.exists(cluster.data.resolve("PG_VERSION"))) {
                    ManagedProcess.run("initdb", asUser(List.of(bin.resolve("initdb").toString(),
                            "-D", cluster.data.toString(), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8",
                            "--no-locale")), dir.resolve("initdb.log"), Duration.ofSeconds(120));
                    // TCP on loopback only, and no Unix socket: its default directory may not be writable.
                    Files.writeString(cluster.data.resolve("postgresql.conf"), """

                            # Spillway platform
                            listen_addresses = '127.0.0.1'
                            unix_socket_directories = ''
                            max_connections = 200
                            """, StandardOpenOption.APPEND);
                }
                if (certificates != null) {
                    cluster.serveTlsOnly(certificates, osUser);
                }
                // pg_ctl daemonises the postmaster in its own session: it outlives this JVM until stopped.
                ManagedProcess.run("pg_ctl start", asUser(List.of(bin.resolve("pg_ctl").toString(),
                        "-D", cluster.data.toString(), "-l", cluster.log.toString(), "-o", "-p " + port,
                        "-w", "-t", "60", "start")), dir.resolve("pg_ctl.log"), Duration.ofSeconds(90));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot start a private PostgreSQL in " + dir + "; last lines of "
                        + cluster.log + ":\n" + ManagedProcess.tail(cluster.log, 40), e);
            }
            return cluster;
        }

        /**
         * {@code ssl = on} with the certificate and key of {@code certificates} (in the data directory, owned by the user
         * that runs the server, as PostgreSQL insists for the key), and a pg_hba.conf that lets in TLS connections only.
         */
        void serveTlsOnly(LoopbackCertificates certificates, Optional<String> osUser) throws IOException {
            Path certificate = data.resolve("server.crt");
            Path key = data.resolve("server.key");
            Path hba = data.resolve("pg_hba.conf");
            Files.copy(certificates.certificate(), certificate, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(certificates.privateKey(), key, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
            // Whatever matches no line is refused, so a client without TLS is told "no encryption".
            Files.writeString(hba, """
                    # Written by the Spillway platform: TLS connections from loopback only.
                    hostssl all all 127.0.0.1/32 trust
                    """);
            Path conf = data.resolve("postgresql.conf");
            if (!Files.readString(conf).contains("ssl = on")) {
                Files.writeString(conf, """

                        # Spillway platform: TLS (server.crt and server.key in the data directory)
                        ssl = on
                        """, StandardOpenOption.APPEND);
            }
            if (osUser.isPresent()) {
                UserPrincipalLookupService users = data.getFileSystem().getUserPrincipalLookupService();
                for (Path file : List.of(certificate, key, hba)) {
                    Files.setOwner(file, users.lookupPrincipalByName(osUser.get()));
                }
            }
        }

        OptionalLong pid() {
            return pid(data);
        }

        void stop() {
            stop(data);
        }

        static OptionalLong pid(Path data) {
            try {
                Path pidFile = data.resolve("postmaster.pid");
                if (!Files.exists(pidFile)) {
                    return OptionalLong.empty();
                }
                return OptionalLong.of(Long.parseLong(Files.readAllLines(pidFile).get(0).trim()));
            } catch (IOException | RuntimeException e) {
                return OptionalLong.empty();
            }
        }

        static void stop(Path data) {
            OptionalLong pid = pid(data);
            if (pid.isEmpty()) {
                return;
            }
            try {
                ManagedProcess.run("pg_ctl stop", asUser(List.of(binaries().resolve("pg_ctl").toString(),
                        "-D", data.toString(), "-m", "fast", "-w", "-t", "30", "stop")),
                        data.getParent().resolve("pg_ctl.log"), Duration.ofSeconds(60));
            } catch (IOException | RuntimeException e) {
                // pg_ctl could not do it (binaries gone, wrong user): signal the postmaster directly.
                ProcessHandle.of(pid.getAsLong())
                        .ifPresent(handle -> ManagedProcess.stop(handle, ManagedProcess.STOP_GRACE));
            }
        }

        /** The newest {@code /usr/lib/postgresql/<version>/bin}, else whatever directory holds initdb on PATH. */
        static Path binaries() {
            Path debian = Path.of("/usr/lib/postgresql");
            if (Files.isDirectory(debian)) {
                try (Stream<Path> versions = Files.list(debian)) {
                    Optional<Path> newest = versions
                            .filter(version -> Files.isExecutable(version.resolve("bin/initdb")))
                            .max(Comparator.comparingInt(PrivateCluster::majorVersion));
                    if (newest.isPresent()) {
                        return newest.get().resolve("bin");
                    }
                } catch (IOException e) {
                    // Fall through to PATH.
                }
            }
            String path = System.getenv().getOrDefault("PATH", "");
            for (String entry : path.split(java.io.File.pathSeparator)) {
                if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, "initdb"))
                        && Files.isExecutable(Path.of(entry, "pg_ctl"))) {
                    return Path.of(entry);
                }
            }
            throw new IllegalStateException("No PostgreSQL on 127.0.0.1:5432 and no initdb/pg_ctl to start one: "
                    + "install PostgreSQL (e.g. apt-get install postgresql) or set SPILLWAY_PG_URL");
        }

        private static int majorVersion(Path versionDir) {
            try {
                return Integer.parseInt(versionDir.getFileName().toString().replaceAll("\\D.*", ""));
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        /** The unprivileged user to run PostgreSQL as, when the platform runs as root. */
        static Optional<String> runAsUser() {
            if (!"root".equals(System.getProperty("user.name"))) {
                return Optional.empty();
            }
            UserPrincipalLookupService users = Path.of("/").getFileSystem().getUserPrincipalLookupService();
            for (String candidate : List.of("postgres", "nobody")) {
                try {
                    users.lookupPrincipalByName(candidate);
                    return Optional.of(candidate);
                } catch (IOException e) {
                    // No such user; try the next one.
                }
            }
            throw new IllegalStateException("Running as root, but there is neither a postgres nor a nobody user "
                    + "to run PostgreSQL as");
        }

        static List<String> asUser(List<String> command) {
            Optional<String> user = runAsUser();
            if (user.isEmpty()) {
                return command;
            }
            List<String> argv = new ArrayList<>();
            if (Files.isExecutable(Path.of("/usr/sbin/runuser")) || Files.isExecutable(Path.of("/sbin/runuser"))) {
                argv.addAll(List.of("runuser", "-u", user.get(), "--"));
                argv.addAll(command);
            } else {
                argv.addAll(List.of("su", user.get(), "-s", "/bin/sh", "-c",
                        String.join(" ", command.stream().map(PrivateCluster::shellQuote).toList())));
            }
            return argv;
        }

        private static String shellQuote(String value) {
            return "'" + value.replace("'", "'\\''") + "'";
        }
    }
}
