package io.spillway.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

import io.spillway.schemas.Topics;

/** A single-node KRaft Kafka broker run as its own JVM from Maven-resolved jars, or an external broker. */
public final class KafkaBroker implements AutoCloseable {

    /** Entity streams, keyed by entity id; three partitions so ordering-per-key is really exercised. */
    public static final List<String> ENTITY_TOPICS = Topics.registry().stream().filter(topic -> !topic.deadLetter())
            .map(Topics.Topic::name).toList();

    /**
     * Entity streams whose last event per key is the entity's state: compacted, so a consumer that starts later
     * still reads every entity from the beginning, however old its last change.
     */
    public static final List<String> COMPACTED_TOPICS = Topics.registry().stream().filter(Topics.Topic::compacted)
            .map(Topics.Topic::name).toList();

    /** One dead-letter topic per consuming service. */
    public static final List<String> DEAD_LETTER_TOPICS = Topics.registry().stream().filter(Topics.Topic::deadLetter)
            .map(Topics.Topic::name).toList();

    private static final String LOG4J2_CONFIG = """
            # Written by the Spillway platform. INFO goes to the broker's log file only.
            status = warn
            appender.out.type = Console
            appender.out.name = OUT
            appender.out.layout.type = PatternLayout
            appender.out.layout.pattern = [%d] %p %m (%c)%n
            rootLogger.level = INFO
            rootLogger.appenderRef.out.ref = OUT
            logger.state.name = state.change.logger
            logger.state.level = WARN
            """;

    private final String bootstrapServers;
    private final ManagedProcess process;
    /** The SASL_PLAINTEXT listener's address; null unless started by {@link #startWithSaslPlain}. */
    private final String saslBootstrapServers;
    /** The SSL listener; null unless started with one ({@link #startWithTls}). */
    private final TlsListener tls;

    private KafkaBroker(String bootstrapServers, ManagedProcess process) {
        this(bootstrapServers, process, null, null);
    }

    private KafkaBroker(String bootstrapServers, ManagedProcess process, String saslBootstrapServers,
            TlsListener tls) {
        this.bootstrapServers = bootstrapServers;
        this.process = process;
        this.saslBootstrapServers = saslBootstrapServers;
        this.tls = tls;
    }

    /** One user a SASL_PLAINTEXT listener with mechanism PLAIN accepts. */
    record SaslPlain(int port, String user, String password) {
    }

    /** An SSL listener on {@code port} that serves the server certificate of {@code certificates}. */
    record SslListener(int port, LoopbackCertificates certificates) {
    }

    /**
     * What a client needs to reach the broker's SSL listener: its address and a truststore holding the CA that signed
     * the broker's certificate (for {@code 127.0.0.1} and {@code localhost}, so host name verification stays on).
     *
     * @param bootstrapServers {@code 127.0.0.1:<port>} of the SSL listener
     * @param truststore a PKCS12 store with the CA's certificate
     * @param truststorePassword its password
     * @param caCertificate the same CA as PEM, for clients that take PEM
     */
    public record TlsListener(String bootstrapServers, Path truststore, String truststorePassword,
            Path caCertificate) {

        /** The Kafka client settings (producer, consumer, admin alike) that reach this listener and nothing else. */
        public Map<String, String> clientConfig() {
            Map<String, String> config = new LinkedHashMap<>();
            config.put("bootstrap.servers", bootstrapServers);
            config.put("security.protocol", "SSL");
            config.put("ssl.truststore.location", truststore.toString());
            config.put("ssl.truststore.password", truststorePassword);
            config.put("ssl.truststore.type", LoopbackCertificates.STORE_TYPE);
            return config;
        }

        /**
         * {@link #clientConfig()} as a Quarkus service's configuration: every {@code kafka.*} key is given to each of
         * its Kafka clients (the channels', the outbox relay's, the readiness check's).
         */
        public Map<String, String> quarkusConfig() {
            Map<String, String> config = new LinkedHashMap<>();
            clientConfig().forEach((name, value) -> config.put("kafka." + name, value));
            return config;
        }

        /** Names the listener and the truststore, never the password. */
        @Override
        public String toString() {
            return "TlsListener[" + bootstrapServers + ", truststore " + truststore + "]";
        }
    }

    /**
     * Formats (once) and starts a broker+controller with its data, config and log under {@code dataDir},
     * waits until it answers and creates the Spillway topics. A port of 0 means a free one.
     */
    public static KafkaBroker start(Path dataDir, int port, int controllerPort, boolean detached) {
        try {
            return doStart(dataDir, port, controllerPort, detached, null, null);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start Kafka in " + dataDir, e);
        }
    }

    /**
     * Like {@link #start}, on free ports, with a second listener, SASL_PLAINTEXT with mechanism PLAIN, that lets in
     * {@code user} with {@code password} only ({@link #saslBootstrapServers()}): for tests of clients' security
     * settings. The PLAINTEXT listener stays, for the broker itself and for test clients.
     */
    public static KafkaBroker startWithSaslPlain(Path dataDir, String user, String password) {
        try {
            return doStart(dataDir, 0, 0, false,
                    new SaslPlain(Readiness.portOrFree(0, "Kafka SASL"), user, password), null);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start Kafka in " + dataDir, e);
        }
    }

    /**
     * Like {@link #start}, with a second listener, SSL, on {@code sslPort} (0: a free one) that serves a certificate for
     * 127.0.0.1 signed by a CA made in {@code dataDir/tls} ({@link #tls()}). The PLAINTEXT listener stays, for the
     * broker's own replication and controller traffic and for the platform creating topics; a client that is given
     * only the SSL address and the truststore talks TLS, since the SSL listener advertises only itself.
     */
    public static KafkaBroker startWithTls(Path dataDir, int port, int controllerPort, int sslPort,
            boolean detached) {
        return startWithTls(dataDir, port, controllerPort, sslPort, detached,
                LoopbackCertificates.create(dataDir.resolve("tls")));
    }

    /** {@link #startWithTls} on free ports, in this JVM's lifetime: for tests of clients over TLS. */
    public static KafkaBroker startWithTls(Path dataDir) {
        return startWithTls(dataDir, 0, 0, 0, false);
    }

    /**
     * {@link #startWithTls} on free ports, serving the server certificate of {@code certificates}: one CA for the
     * broker and whatever else a test serves over TLS (PostgreSQL, HTTPS), so its clients need one truststore.
     */
    public static KafkaBroker startWithTls(Path dataDir, LoopbackCertificates certificates) {
        return startWithTls(dataDir, 0, 0, 0, false, certificates);
    }

    private static KafkaBroker startWithTls(Path dataDir, int port, int controllerPort, int sslPort,
            boolean detached, LoopbackCertificates certificates) {
        try {
            return doStart(dataDir, port, controllerPort, detached, null,
                    new SslListener(Readiness.portOrFree(sslPort, "Kafka SSL"), certificates));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start Kafka in " + dataDir, e);
        }
    }

    /** A broker someone else runs; {@link #close()} leaves it alone. Waits until it answers and creates the topics. */
    public static KafkaBroker external(String bootstrapServers) {
        awaitReady(bootstrapServers, Readiness.START_TIMEOUT, () -> {
        });
        createTopics(bootstrapServers);
        return new KafkaBroker(bootstrapServers, null);
    }

    /** A handle on a broker known to be running, without contacting it. */
    static KafkaBroker at(String bootstrapServers) {
        return new KafkaBroker(bootstrapServers, null);
    }

    private static KafkaBroker doStart(Path dataDir, int requestedPort, int requestedControllerPort, boolean detached,
            SaslPlain sasl, SslListener ssl) throws IOException {
        int port = Readiness.portOrFree(requestedPort, "Kafka");
        int controllerPort = Readiness.portOrFree(requestedControllerPort, "Kafka controller");
        Files.createDirectories(dataDir);
        Path config = dataDir.resolve("server.properties");
        Path logConfig = dataDir.resolve("log4j2.properties");
        Files.writeString(config, serverProperties(dataDir.resolve("data"), port, controllerPort, sasl, ssl));
        Files.writeString(logConfig, LOG4J2_CONFIG);

        String classpath = ManagedProcess.runtimeClasspath("kafka");
        String java = ManagedProcess.javaExecutable();
        // A static voter set (controller.quorum.voters) rather than --standalone: a dynamic quorum records
        // the controller's endpoint in the metadata log, and a state dir reused by PlatformMain may come
        // back on another controller port. A formatted directory keeps its data and its cluster id.
        if (!Files.exists(dataDir.resolve("data").resolve("meta.properties"))) {
            ManagedProcess.run("Formatting Kafka storage",
                    List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", classpath,
                            "kafka.tools.StorageTool", "format",
                            "-t", Uuid.randomUuid().toString(), "-c", config.toString()),
                    dataDir.resolve("format.log"), Duration.ofSeconds(60));
        }

        ManagedProcess broker = ManagedProcess.start("Kafka broker",
                // C1 only and the serial collector: a local broker (tests, the local stack) carries small events,
                // and on a two-core machine C2 and G1 threads double its start time.
                List.of(java, "-Xms128m", "-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                        "-Djava.awt.headless=true",
                        "-Dlog4j2.configurationFile=" + logConfig.toUri(),
                        "-cp", classpath, "kafka.Kafka", config.toString()),
                dataDir, dataDir.resolve("kafka.log"), detached);
        String bootstrapServers = Readiness.HOST + ":" + port;
        try {
            awaitReady(bootstrapServers, Readiness.START_TIMEOUT, broker::checkAlive);
            createTopics(bootstrapServers);
        } catch (RuntimeException e) {
            broker.stop();
            throw new IllegalStateException("Kafka did not start on " + bootstrapServers + "; last lines of "
                    + broker.log() + ":\n" + broker.logTail(60), e);
        }
        return new KafkaBroker(bootstrapServers, broker,
                sasl == null ? null : Readiness.HOST + ":" + sasl.port(),
                ssl == null ? null
                        : new TlsListener(Readiness.HOST + ":" + ssl.port(),
                                ssl.certificates().truststore(), ssl.certificates().password(),
                                ssl.certificates().caCertificate()));
    }

    private static String serverProperties(Path logDir, int port, int controllerPort, SaslPlain sasl,
            SslListener ssl) {
        String listeners = "PLAINTEXT://" + Readiness.HOST + ":" + port;
        String saslProperties = "";
        if (sasl != null) {
            listeners += ",SASL_PLAINTEXT://" + Readiness.HOST + ":" + sasl.port();
            // The broker's own user_<name> entries are the accounts PLAIN accepts on that listener.
            saslProperties = String.join("\n",
                    "listener.name.sasl_plaintext.sasl.enabled.mechanisms=PLAIN",
                    "listener.name.sasl_plaintext.plain.sasl.jaas.config="
                            + "org.apache.kafka.common.security.plain.PlainLoginModule required user_" + sasl.user()
                            + "=\"" + sasl.password() + "\";",
                    "");
        }
        String sslProperties = "";
        if (ssl != null) {
            listeners += ",SSL://" + Readiness.HOST + ":" + ssl.port();
            LoopbackCertificates certificates = ssl.certificates();
            // Per listener (listener.name.ssl.*), so the PLAINTEXT and CONTROLLER listeners stay as they are.
            sslProperties = String.join("\n",
                    "listener.name.ssl.ssl.keystore.location=" + certificates.keystore(),
                    "listener.name.ssl.ssl.keystore.type=" + LoopbackCertificates.STORE_TYPE,
                    "listener.name.ssl.ssl.keystore.password=" + certificates.password(),
                    "listener.name.ssl.ssl.key.password=" + certificates.password(),
                    "");
        }
        return String.join("\n",
                "# Written by the Spillway platform: one node that is both broker and controller.",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@" + Readiness.HOST + ":" + controllerPort,
                "listeners=" + listeners + ",CONTROLLER://" + Readiness.HOST + ":" + controllerPort,
                "advertised.listeners=" + listeners,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL",
                "log.dirs=" + logDir,
                "num.partitions=3",
                "auto.create.topics.enable=true",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                // Consumers in tests join one by one; the default 3 s delay would slow every group.
                "group.initial.rebalance.delay.ms=0",
                saslProperties,
                sslProperties);
    }

    /** Waits until the port accepts connections, then until an AdminClient gets an answer to describeCluster. */
    static void awaitReady(String bootstrapServers, Duration timeout, Runnable liveness) {
        long deadline = System.nanoTime() + timeout.toNanos();
        // An AdminClient pointed at a closed port logs a warning every few hundred ms; a socket does not.
        String first = bootstrapServers.split(",")[0].trim();
        int colon = first.lastIndexOf(':');
        InetSocketAddress address = new InetSocketAddress(first.substring(0, colon),
                Integer.parseInt(first.substring(colon + 1)));
        Readiness.await("Kafka's port at " + first, timeout, liveness, () -> {
            try (Socket socket = new Socket()) {
                socket.connect(address, 1_000);
            }
            return true;
        });
        try (Admin admin = admin(bootstrapServers)) {
            Readiness.await("Kafka at " + bootstrapServers, Duration.ofNanos(Math.max(deadline - System.nanoTime(),
                    Duration.ofSeconds(5).toNanos())), liveness,
                    () -> admin.describeCluster(new DescribeClusterOptions().timeoutMs(2_000))
                            .clusterId().get(3, TimeUnit.SECONDS));
        }
    }

    /** Whether a broker answers at {@code bootstrapServers} within {@code timeout}. */
    static boolean answers(String bootstrapServers, Duration timeout) {
        try (Admin admin = admin(bootstrapServers)) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .clusterId().get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** Creates the Spillway topics; ones that exist already (another JVM, an earlier run) are fine. */
    static void createTopics(String bootstrapServers) {
        List<NewTopic> topics = new ArrayList<>();
        // The event registry, as every deployment creates it (docker-compose.yml, deploy/'s KafkaTopics).
        Topics.registry().forEach(topic -> topics.add(new NewTopic(topic.name(), topic.partitions(), (short) 1)
                .configs(topic.compacted() ? Map.of(TopicConfig.CLEANUP_POLICY_CONFIG,
                        TopicConfig.CLEANUP_POLICY_COMPACT) : Map.of())));
        try (Admin admin = admin(bootstrapServers)) {
            var results = admin.createTopics(topics).values();
            List<String> existing = new ArrayList<>();
            for (var entry : results.entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Cannot create topic " + entry.getKey(), e.getCause());
                    }
                    existing.add(entry.getKey());
                }
            }
            compact(admin, existing.stream().filter(COMPACTED_TOPICS::contains).toList());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Creating topics on " + bootstrapServers + " timed out", e);
        }
    }

    /**
     * A topic that existed already may have been auto-created by a producer, with the default delete policy, on a
     * broker that outlives builds (a reused platform, a state dir): it is made compacted all the same.
     */
    static void compact(Admin admin, List<String> names)
            throws InterruptedException, java.util.concurrent.TimeoutException {
        if (names.isEmpty()) {
            return;
        }
        AlterConfigOp compact = new AlterConfigOp(new ConfigEntry(TopicConfig.CLEANUP_POLICY_CONFIG,
                TopicConfig.CLEANUP_POLICY_COMPACT), AlterConfigOp.OpType.SET);
        Map<ConfigResource, Collection<AlterConfigOp>> changes = new HashMap<>();
        names.forEach(name -> changes.put(new ConfigResource(ConfigResource.Type.TOPIC, name), List.of(compact)));
        try {
            admin.incrementalAlterConfigs(changes).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot make " + names + " compacted", e.getCause());
        }
    }

    private static Admin admin(String bootstrapServers) {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "spillway-platform",
                // Probing a broker that is still starting: fail fast and let the caller's loop retry.
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000"));
    }

    /** The address clients use, {@code 127.0.0.1:<port>}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The SASL_PLAINTEXT listener, {@code 127.0.0.1:<port>}, of a broker started by {@link #startWithSaslPlain}. */
    public Optional<String> saslBootstrapServers() {
        return Optional.ofNullable(saslBootstrapServers);
    }

    /** The SSL listener of a broker started by {@link #startWithTls}: its address and what its clients trust. */
    public Optional<TlsListener> tls() {
        return Optional.ofNullable(tls);
    }

    /** The broker JVM's pid when this platform started it. */
    public OptionalLong pid() {
        return process == null ? OptionalLong.empty() : OptionalLong.of(process.pid());
    }

    /** Every topic the platform creates. */
    public static List<String> topics() {
        return Stream.concat(ENTITY_TOPICS.stream(), DEAD_LETTER_TOPICS.stream()).toList();
    }

    /** Stops the broker if this platform started it. */
    @Override
    public void close() {
        if (process != null) {
            process.stop();
        }
    }
}
