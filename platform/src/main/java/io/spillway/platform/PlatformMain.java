package io.spillway.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Starts the platform as processes that outlive this JVM, and stops it again: what {@code bin/spillway up/down}
 * and CI use to run one platform for many builds.
 *
 * <pre>
 * java -cp target/classes:$(cat target/spillway-platform.classpath) io.spillway.platform.PlatformMain \
 *     start --state-dir DIR [--kafka-port 9092] [--kafka-controller-port 9093] [--s3-port 9000]
 *           [--pg reuse|private] [--pg-port 0]
 * ... PlatformMain stop --state-dir DIR
 * ... PlatformMain status --state-dir DIR
 * </pre>
 *
 * {@code start} writes {@code DIR/platform.env} ({@code export SPILLWAY_...=...}, for {@code source}) and
 * {@code DIR/platform.pids}; data lives in {@code DIR/kafka}, {@code DIR/s3} and {@code DIR/pg}.
 */
public final class PlatformMain {

    static final String ENV_FILE = "platform.env";
    static final String PIDS_FILE = "platform.pids";

    private static final String USAGE = """
            usage: PlatformMain start  --state-dir DIR [--kafka-port 9092] [--kafka-controller-port 9093]
                                       [--s3-port 9000] [--pg reuse|private] [--pg-port 0]
                   PlatformMain stop   --state-dir DIR
                   PlatformMain status --state-dir DIR
              A port of 0 means any free port. With --pg reuse (the default) PostgreSQL on 127.0.0.1:5432 is
              reused when it lets user postgres in without a password; otherwise, or with --pg private, a
              private cluster starts in DIR/pg on --pg-port.""";

    private PlatformMain() {
    }

    public static void main(String[] args) {
        // The Kafka and AWS clients would log their whole configuration to this command's output; what
        // matters here arrives as exceptions. Whoever wants their logs sets slf4j.provider themselves.
        if (System.getProperty("slf4j.provider") == null) {
            System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
            System.setProperty("slf4j.internal.verbosity", "WARN");
        }
        int status;
        try {
            status = run(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            status = 2;
        } catch (Exception e) {
            // The causes carry what went wrong, including the tail of a component's log; the stack does not.
            StringBuilder message = new StringBuilder("spillway platform: ").append(e.getMessage());
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                message.append("\n  caused by: ").append(cause);
            }
            System.err.println(message);
            status = 1;
        }
        // Client libraries may leave non-daemon threads behind; the started processes live on regardless.
        System.exit(status);
    }

    static int run(String[] args) throws IOException {
        if (args.length == 0) {
            throw new IllegalArgumentException("missing command");
        }
        Map<String, String> options = options(args);
        Path stateDir = Optional.ofNullable(options.get("--state-dir"))
                .map(dir -> Path.of(dir).toAbsolutePath().normalize())
                .orElseThrow(() -> new IllegalArgumentException("--state-dir is required"));
        return switch (args[0]) {
            case "start" -> start(stateDir, options);
            case "stop" -> stop(stateDir);
            case "status" -> status(stateDir);
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        };
    }

    private static int start(Path stateDir, Map<String, String> options) throws IOException {
        Path envFile = stateDir.resolve(ENV_FILE);
        if (Files.exists(envFile)) {
            if (Platform.answers(readEnv(envFile))) {
                System.out.println("Spillway platform already running; source " + envFile);
                return 0;
            }
            System.out.println("Spillway platform in " + stateDir + " does not answer; restarting it");
            stop(stateDir);
        }
        int kafkaPort = port(options, "--kafka-port", 9092);
        int controllerPort = port(options, "--kafka-controller-port", kafkaPort == 0 ? 0 : kafkaPort + 1);
        int s3Port = port(options, "--s3-port", 9000);
        int pgPort = port(options, "--pg-port", 0);
        String pg = options.getOrDefault("--pg", "reuse");
        if (!pg.equals("reuse") && !pg.equals("private")) {
            throw new IllegalArgumentException("--pg is reuse or private, not " + pg);
        }

        Files.createDirectories(stateDir);
        // A private PostgreSQL runs as an unprivileged user when we are root: it must reach DIR/pg.
        stateDir.toFile().setReadable(true, false);
        stateDir.toFile().setExecutable(true, false);
        long started = System.nanoTime();
        // The SPILLWAY_* variables of this shell are deliberately ignored: this command is what starts them. No
        // host either: these processes outlive this JVM, and containers would be removed with it.
        Platform platform = Platform.start(new Platform.Options(stateDir, false, kafkaPort, controllerPort, s3Port,
                pgPort, pg.equals("private"), true, Map.of(), null));
        double seconds = (System.nanoTime() - started) / 1e9;

        // "<name> <pid> <start time in epoch ms> [<data dir>]": the start time tells a recycled pid from ours.
        List<String> pids = new ArrayList<>();
        platform.startedPids().forEach((name, pid) -> pids.add(name + " " + pid + " " + startMillis(pid)
                + ("postgres".equals(name) ? " " + platform.postgres().dataDirectory().orElseThrow() : "")));
        Files.write(stateDir.resolve(PIDS_FILE), pids);
        writeEnv(envFile, platform.environment());

        System.out.printf("Spillway platform up in %.1f s (state in %s)%n", seconds, stateDir);
        System.out.println("  Kafka       " + platform.kafkaBootstrapServers());
        System.out.println("  PostgreSQL  " + platform.postgres().jdbcUrl()
                + (platform.postgres().dataDirectory().isPresent() ? " (private cluster)" : " (reused)"));
        System.out.println("  S3          " + platform.s3Endpoint() + " bucket " + platform.s3Bucket());
        System.out.println("  source " + envFile);
        return 0;
    }

    private static int stop(Path stateDir) throws IOException {
        Path pidsFile = stateDir.resolve(PIDS_FILE);
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        if (Files.exists(pidsFile)) {
            for (String line : Files.readAllLines(pidsFile)) {
                String[] fields = line.trim().split(" ", 4);
                if (fields.length < 3) {
                    continue;
                }
                String name = fields[0];
                long pid = Long.parseLong(fields[1]);
                long startMillis = Long.parseLong(fields[2]);
                stops.add(CompletableFuture.runAsync(() -> {
                    if ("postgres".equals(name) && fields.length == 4) {
                        Postgres.stopCluster(Path.of(fields[3]));
                    } else {
                        ProcessHandle.of(pid).filter(handle -> startMillis(handle.pid()) == startMillis)
                                .ifPresent(handle -> ManagedProcess.stop(handle, ManagedProcess.STOP_GRACE));
                    }
                    System.out.println("stopped " + name + " (pid " + pid + ")");
                }));
            }
        }
        CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).join();
        Files.deleteIfExists(pidsFile);
        Files.deleteIfExists(stateDir.resolve(ENV_FILE));
        System.out.println("Spillway platform in " + stateDir + " stopped");
        return 0;
    }

    private static int status(Path stateDir) throws IOException {
        Path envFile = stateDir.resolve(ENV_FILE);
        if (Files.exists(envFile) && Platform.answers(readEnv(envFile))) {
            System.out.println("Spillway platform running; source " + envFile);
            return 0;
        }
        System.out.println("Spillway platform in " + stateDir + " is not running");
        return 1;
    }

    /** When the process started, in epoch ms; -1 when it is gone or the system does not say. */
    private static long startMillis(long pid) {
        return ProcessHandle.of(pid).flatMap(handle -> handle.info().startInstant())
                .map(Instant::toEpochMilli)
                .orElse(-1L);
    }

    private static void writeEnv(Path envFile, Map<String, String> env) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("# Spillway platform started " + Instant.now() + " by io.spillway.platform.PlatformMain;");
        lines.add("# stop it with: PlatformMain stop --state-dir " + envFile.getParent());
        env.forEach((name, value) -> lines.add("export " + name + "='" + value.replace("'", "'\\''") + "'"));
        Files.write(envFile, lines);
    }

    /** Reads back what {@link #writeEnv} wrote. */
    static Map<String, String> readEnv(Path envFile) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(envFile)) {
            String trimmed = line.trim();
            if (!trimmed.startsWith("export ") || !trimmed.contains("=")) {
                continue;
            }
            String assignment = trimmed.substring("export ".length());
            int split = assignment.indexOf('=');
            String value = assignment.substring(split + 1);
            if (value.length() >= 2 && value.startsWith("'") && value.endsWith("'")) {
                value = value.substring(1, value.length() - 1).replace("'\\''", "'");
            }
            env.put(assignment.substring(0, split), value);
        }
        return env;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            options.put(args[i], args[++i]);
        }
        return options;
    }

    private static int port(Map<String, String> options, String name, int defaultPort) {
        String value = options.get(name);
        if (value == null) {
            return defaultPort;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " wants a port number, not " + value);
        }
    }
}
