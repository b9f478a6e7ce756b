package io.spillway.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import software.amazon.awssdk.services.s3.S3Client;

/**
 * The real components Spillway runs on — a Kafka broker, PostgreSQL and an S3 store — started as local
 * processes, or reused when SPILLWAY_* environment variables name running ones. Stops only what it started.
 * A {@link ComponentHost} may run Kafka and PostgreSQL elsewhere instead (the tests' Testcontainers).
 */
public final class Platform implements AutoCloseable {

    /** {@code host:port} of a running Kafka broker to reuse. */
    public static final String ENV_KAFKA_BOOTSTRAP = "SPILLWAY_KAFKA_BOOTSTRAP";
    /** {@code postgresql://user:password@host:port/database} of a running PostgreSQL to reuse. */
    public static final String ENV_PG_URL = "SPILLWAY_PG_URL";
    /** Endpoint of a running S3-compatible store to reuse; needs the access key, secret key and bucket too. */
    public static final String ENV_S3_ENDPOINT = "SPILLWAY_S3_ENDPOINT";
    public static final String ENV_S3_ACCESS_KEY = "SPILLWAY_S3_ACCESS_KEY";
    public static final String ENV_S3_SECRET_KEY = "SPILLWAY_S3_SECRET_KEY";
    public static final String ENV_S3_BUCKET = "SPILLWAY_S3_BUCKET";
    /** Optional, {@value S3Proxy#DEFAULT_REGION} when absent. */
    public static final String ENV_S3_REGION = "SPILLWAY_S3_REGION";

    private final KafkaBroker kafka;
    private final Postgres postgres;
    private final S3Proxy s3;
    /** A temporary state directory to delete on close; null when the caller owns the directory. */
    private final Path temporaryStateDir;
    /** What a {@link ComponentHost} started for this platform, stopped after the components that use it. */
    private final List<AutoCloseable> hosted;
    /** Where each component runs and whether this platform started it, for a log line; empty when attached. */
    private final String description;

    private Platform(KafkaBroker kafka, Postgres postgres, S3Proxy s3, Path temporaryStateDir,
            List<AutoCloseable> hosted, String description) {
        this.kafka = kafka;
        this.postgres = postgres;
        this.s3 = s3;
        this.temporaryStateDir = temporaryStateDir;
        this.hosted = hosted;
        this.description = description;
    }

    /**
     * How to start a platform: where its data lives, which ports, whether its processes outlive this JVM, which
     * running components to reuse ({@code environment}'s SPILLWAY_* variables), who runs Kafka and PostgreSQL
     * when they are not reused ({@code host}; null for local processes), and whether the embedded broker serves an
     * SSL listener too ({@code kafkaTls}; {@link #quarkusTlsConfig()}).
     */
    public record Options(Path stateDir, boolean temporary, int kafkaPort, int kafkaControllerPort, int s3Port,
            int postgresPort, boolean privatePostgres, boolean detached, Map<String, String> environment,
            ComponentHost host, boolean kafkaTls) {

        /** Options whose broker has the PLAINTEXT listener only. */
        public Options(Path stateDir, boolean temporary, int kafkaPort, int kafkaControllerPort, int s3Port,
                int postgresPort, boolean privatePostgres, boolean detached, Map<String, String> environment,
                ComponentHost host) {
            this(stateDir, temporary, kafkaPort, kafkaControllerPort, s3Port, postgresPort, privatePostgres, detached,
                    environment, host, false);
        }

        /**
         * Free ports, data in a new temporary directory deleted on close, a database of its own, and whatever
         * {@code environment} names reused: a platform for one JVM.
         */
        public static Options temporary(Map<String, String> environment) {
            try {
                // Readable by others: a private PostgreSQL runs as an unprivileged user when we are root.
                Path dir = Files.createTempDirectory("spillway-platform-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
                return new Options(dir, true, 0, 0, 0, 0, false, false, environment, null);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create a temporary directory for the platform", e);
            }
        }

        /** These options with Kafka and PostgreSQL run by {@code host} rather than as local processes. */
        public Options withHost(ComponentHost host) {
            return new Options(stateDir, temporary, kafkaPort, kafkaControllerPort, s3Port, postgresPort,
                    privatePostgres, detached, environment, host, kafkaTls);
        }

        /**
         * These options with an embedded broker that serves an SSL listener next to its PLAINTEXT one, on a free
         * port, with a certificate for 127.0.0.1 made in its data directory. Only a broker started here can: a
         * reused or hosted one is the operator's to configure.
         */
        public Options withKafkaTls() {
            return new Options(stateDir, temporary, kafkaPort, kafkaControllerPort, s3Port, postgresPort,
                    privatePostgres, detached, environment, host, true);
        }
    }

    /**
     * A new platform on free ports with its data in a temporary directory, reusing whatever the SPILLWAY_*
     * environment variables name, the rest as local processes. The caller closes it.
     */
    public static Platform start() {
        return start(Options.temporary(System.getenv()));
    }

    /** Starts (or reuses) the three components in parallel; on any failure stops the ones that did start. */
    public static Platform start(Options options) {
        Path dir = options.stateDir();
        List<AutoCloseable> hosted = new CopyOnWriteArrayList<>();
        // Set by a host for what it ran ("container apache/kafka:4.1.1"), for the description.
        Map<String, String> hostedAs = new ConcurrentHashMap<>();
        ExecutorService starters = Executors.newFixedThreadPool(3, runnable -> {
            Thread thread = new Thread(runnable, "spillway-platform-start");
            thread.setDaemon(true);
            return thread;
        });
        try {
            CompletableFuture<KafkaBroker> kafka = CompletableFuture.supplyAsync(
                    () -> kafka(options, hosted, hostedAs), starters);
            CompletableFuture<Postgres> postgres = CompletableFuture.supplyAsync(
                    () -> postgres(options, hosted, hostedAs), starters);
            CompletableFuture<S3Proxy> s3 = CompletableFuture.supplyAsync(() -> s3(options), starters);
            try {
                CompletableFuture.allOf(kafka, postgres, s3).join();
            } catch (CompletionException e) {
                RuntimeException failure = new IllegalStateException("The Spillway platform did not start",
                        e.getCause());
                closeQuietly(kafka, failure);
                closeQuietly(postgres, failure);
                closeQuietly(s3, failure);
                hosted.forEach(handle -> closeQuietly(CompletableFuture.completedFuture(handle), failure));
                if (options.temporary()) {
                    deleteRecursively(dir);
                }
                throw failure;
            }
            Map<String, String> env = options.environment();
            String description = String.format("Kafka %s, PostgreSQL %s, S3 %s",
                    describe(present(env, ENV_KAFKA_BOOTSTRAP).isPresent(), hostedAs.get("kafka"),
                            kafka.join().pid().isPresent(), kafka.join().bootstrapServers()),
                    describe(present(env, ENV_PG_URL).isPresent(), hostedAs.get("postgres"),
                            postgres.join().pid().isPresent(), postgres.join().jdbcUrl()),
                    // s3proxy always: a host runs only Kafka and PostgreSQL.
                    (present(env, ENV_S3_ENDPOINT).isPresent() ? "external" : "s3proxy") + " ("
                            + s3.join().endpoint() + ")");
            return new Platform(kafka.join(), postgres.join(), s3.join(), options.temporary() ? dir : null,
                    List.copyOf(hosted), description);
        } finally {
            starters.shutdown();
        }
    }

    private static KafkaBroker kafka(Options options, List<AutoCloseable> hosted, Map<String, String> hostedAs) {
        if (options.kafkaTls() && (present(options.environment(), ENV_KAFKA_BOOTSTRAP).isPresent()
                || options.host() != null)) {
            throw new IllegalStateException("Kafka over TLS needs the embedded broker: unset " + ENV_KAFKA_BOOTSTRAP
                    + " (and use no container host), or configure TLS on that broker yourself");
        }
        return present(options.environment(), ENV_KAFKA_BOOTSTRAP)
                .map(KafkaBroker::external)
                .orElseGet(() -> {
                    if (options.kafkaTls()) {
                        return KafkaBroker.startWithTls(options.stateDir().resolve("kafka"), options.kafkaPort(),
                                options.kafkaControllerPort(), 0, options.detached());
                    }
                    if (options.host() != null) {
                        ComponentHost.Hosted broker = options.host().startKafka();
                        hosted.add(broker.handle());
                        hostedAs.put("kafka", broker.what());
                        // As for any broker not started here: wait for it, create the Spillway topics.
                        return KafkaBroker.external(broker.address());
                    }
                    return KafkaBroker.start(options.stateDir().resolve("kafka"), options.kafkaPort(),
                            options.kafkaControllerPort(), options.detached());
                });
    }

    private static Postgres postgres(Options options, List<AutoCloseable> hosted, Map<String, String> hostedAs) {
        Path dir = options.stateDir() == null ? null : options.stateDir().resolve("pg");
        return present(options.environment(), ENV_PG_URL)
                .map(Postgres::external)
                .orElseGet(() -> {
                    Postgres server;
                    if (options.host() != null) {
                        ComponentHost.Hosted database = options.host().startPostgres();
                        hosted.add(database.handle());
                        hostedAs.put("postgres", database.what());
                        // As for any server not started here: wait for it; the stack's database is made below.
                        server = Postgres.external(database.address());
                    } else {
                        server = options.privatePostgres()
                                ? Postgres.startPrivate(dir, options.postgresPort())
                                : Postgres.startOrReuse(dir, options.postgresPort());
                    }
                    // A platform of one JVM (tests) gets a fresh database, dropped when it closes. A long-lived
                    // stack gets one named by the id kept in its state directory: a second checkout, or the same
                    // one started over after deleting its state, never shares rows through the machine's server.
                    return options.temporary()
                            ? server.withOwnDatabase("spillway_" + UUID.randomUUID().toString().substring(0, 8))
                            : server.withStackDatabase(stackDatabase(options.stateDir()));
                });
    }

    /**
     * The database of the stack whose state is in {@code stateDir}: {@code spillway_<id>}, the id made at random the
     * first time and kept in {@code stateDir/stack-id}.
     */
    static String stackDatabase(Path stateDir) {
        Path file = stateDir.resolve("stack-id");
        try {
            Files.createDirectories(stateDir);
            if (!Files.exists(file)) {
                String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
                try {
                    Files.writeString(file, id + "\n", StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                } catch (FileAlreadyExistsException e) {
                    // Another process of the same stack wrote it first; its id is the stack's.
                }
            }
            String id = Files.readString(file).trim();
            if (!id.matches("[0-9a-f]{12}")) {
                throw new IllegalStateException(file + " does not hold a stack id (12 hex digits): '" + id
                        + "'; delete it to give this stack a new, empty database");
            }
            return "spillway_" + id;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or write the stack id in " + file, e);
        }
    }

    private static S3Proxy s3(Options options) {
        Map<String, String> env = options.environment();
        return present(env, ENV_S3_ENDPOINT)
                .map(endpoint -> S3Proxy.external(endpoint, required(env, ENV_S3_ACCESS_KEY),
                        required(env, ENV_S3_SECRET_KEY), required(env, ENV_S3_BUCKET),
                        present(env, ENV_S3_REGION).orElse(S3Proxy.DEFAULT_REGION)))
                .orElseGet(() -> S3Proxy.start(options.stateDir().resolve("s3"), options.s3Port(), options.detached()));
    }

    /**
     * A platform already running elsewhere, as its {@link #environment()} (or {@code platform.env}) describes it,
     * without contacting it; closing it stops nothing.
     */
    public static Platform describedBy(Map<String, String> environment) {
        return attach(environment);
    }

    /** Handles on a platform known to be up (named by its {@link #environment()}), without contacting it. */
    private static Platform attach(Map<String, String> env) {
        return new Platform(KafkaBroker.at(env.get(ENV_KAFKA_BOOTSTRAP)), Postgres.at(env.get(ENV_PG_URL)),
                S3Proxy.at(env.get(ENV_S3_ENDPOINT), env.get(ENV_S3_ACCESS_KEY), env.get(ENV_S3_SECRET_KEY),
                        env.get(ENV_S3_BUCKET), env.get(ENV_S3_REGION)),
                null, List.of(), "");
    }

    /**
     * Where each component runs and whether this platform started it, e.g. {@code Kafka embedded (started,
     * 127.0.0.1:41023), PostgreSQL embedded (reused, jdbc:postgresql://...), S3 s3proxy (http://...)}; empty for a
     * platform {@link #describedBy described} by its environment.
     */
    public String description() {
        return description;
    }

    /** Whether every component named by {@code environment} (a platform.env) answers right now. */
    static boolean answers(Map<String, String> environment) {
        Optional<String> bootstrap = present(environment, ENV_KAFKA_BOOTSTRAP);
        Optional<String> pgUrl = present(environment, ENV_PG_URL);
        Optional<String> s3Endpoint = present(environment, ENV_S3_ENDPOINT);
        if (bootstrap.isEmpty() || pgUrl.isEmpty() || s3Endpoint.isEmpty()) {
            return false;
        }
        Duration timeout = Duration.ofSeconds(5);
        try {
            S3Proxy s3 = S3Proxy.at(s3Endpoint.get(), environment.getOrDefault(ENV_S3_ACCESS_KEY, ""),
                    environment.getOrDefault(ENV_S3_SECRET_KEY, ""), environment.getOrDefault(ENV_S3_BUCKET, ""),
                    environment.getOrDefault(ENV_S3_REGION, S3Proxy.DEFAULT_REGION));
            return KafkaBroker.answers(bootstrap.get(), timeout)
                    && Postgres.at(pgUrl.get()).answers(timeout)
                    && s3.answers();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The Kafka bootstrap address, {@code 127.0.0.1:<port>}. */
    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** The broker, to read its pid or its topics. */
    public KafkaBroker kafka() {
        return kafka;
    }

    /** The database: host, port, credentials, JDBC and reactive URLs. */
    public Postgres postgres() {
        return postgres;
    }

    /** The S3 store: endpoint, credentials, bucket, region. */
    public S3Proxy s3() {
        return s3;
    }

    public String s3Endpoint() {
        return s3.endpoint();
    }

    public String s3AccessKey() {
        return s3.accessKey();
    }

    public String s3SecretKey() {
        return s3.secretKey();
    }

    public String s3Bucket() {
        return s3.bucket();
    }

    public String s3Region() {
        return s3.region();
    }

    /** A new S3 client for the store (path-style, static credentials); the caller closes it. */
    public S3Client s3Client() {
        return s3.client();
    }

    /**
     * Configuration that points a Quarkus service at this platform: Kafka, the JDBC and reactive datasource,
     * and the {@code spillway.s3.*} settings.
     */
    public Map<String, String> quarkusConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        config.putAll(postgres.quarkusConfig());
        config.put("spillway.s3.endpoint", s3.endpoint());
        config.put("spillway.s3.access-key", s3.accessKey());
        config.put("spillway.s3.secret-key", s3.secretKey());
        config.put("spillway.s3.bucket", s3.bucket());
        config.put("spillway.s3.region", s3.region());
        return config;
    }

    /**
     * {@link #quarkusConfig()} with Kafka reached over the broker's SSL listener only: {@code kafka.bootstrap.servers}
     * is that listener, and {@code kafka.security.protocol=SSL} with the truststore of its CA reaches every Kafka
     * client of the service. Needs a platform started {@link Options#withKafkaTls() with Kafka TLS}.
     */
    public Map<String, String> quarkusTlsConfig() {
        KafkaBroker.TlsListener tls = kafka.tls().orElseThrow(() -> new IllegalStateException(
                "This platform's broker has no SSL listener: start it with Options.withKafkaTls()"));
        Map<String, String> config = quarkusConfig();
        config.putAll(tls.quarkusConfig());
        return config;
    }

    /** The SPILLWAY_* variables with which a child process, a shell or another JVM reuses this platform. */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(ENV_KAFKA_BOOTSTRAP, kafka.bootstrapServers());
        env.put(ENV_PG_URL, postgres.url());
        env.put(ENV_S3_ENDPOINT, s3.endpoint());
        env.put(ENV_S3_ACCESS_KEY, s3.accessKey());
        env.put(ENV_S3_SECRET_KEY, s3.secretKey());
        env.put(ENV_S3_BUCKET, s3.bucket());
        env.put(ENV_S3_REGION, s3.region());
        return env;
    }

    /** The processes this platform started, by component name, for PlatformMain's pid file. */
    Map<String, Long> startedPids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        kafka.pid().ifPresent(pid -> pids.put("kafka", pid));
        s3.pid().ifPresent(pid -> pids.put("s3proxy", pid));
        postgres.pid().ifPresent(pid -> pids.put("postgres", pid));
        return pids;
    }

    /** Stops what this platform started (in parallel: each may take seconds) and deletes a temporary state dir. */
    @Override
    public void close() {
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (AutoCloseable component : List.<AutoCloseable> of(kafka, postgres, s3)) {
            stops.add(CompletableFuture.runAsync(() -> {
                try {
                    component.close();
                } catch (Exception e) {
                    System.err.println("spillway-platform: could not stop " + component.getClass().getSimpleName()
                            + ": " + e);
                }
            }));
        }
        CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).join();
        // After the components: PostgreSQL's close drops its own database on the hosted server first.
        for (AutoCloseable handle : hosted) {
            try {
                handle.close();
            } catch (Exception e) {
                System.err.println("spillway-platform: could not stop " + handle + ": " + e);
            }
        }
        if (temporaryStateDir != null) {
            deleteRecursively(temporaryStateDir);
        }
    }

    /**
     * {@code external (address)} for a component named by SPILLWAY_* variables, else what its host ran, e.g.
     * {@code container <image> (address)}, or {@code embedded (started|reused, address)}.
     */
    private static String describe(boolean external, String hostedAs, boolean started, String address) {
        if (external) {
            return "external (" + address + ")";
        }
        if (hostedAs != null) {
            return hostedAs + " (" + address + ")";
        }
        return "embedded (" + (started ? "started" : "reused") + ", " + address + ")";
    }

    private static Optional<String> present(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).map(String::trim).filter(value -> !value.isEmpty());
    }

    private static String required(Map<String, String> env, String name) {
        return present(env, name).orElseThrow(() -> new IllegalStateException(
                ENV_S3_ENDPOINT + " is set, so " + name + " must be set too"));
    }

    private static void closeQuietly(CompletableFuture<? extends AutoCloseable> future, RuntimeException failure) {
        try {
            if (!future.isCompletedExceptionally()) {
                future.join().close();
            }
        } catch (Exception e) {
            failure.addSuppressed(e);
        }
    }

    /** Deletes a directory tree, ignoring what cannot be deleted. */
    public static void deleteRecursively(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
                    Files.deleteIfExists(directory);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // Leftovers in the temp directory are harmless; the JVM is going away anyway.
        }
    }
}
