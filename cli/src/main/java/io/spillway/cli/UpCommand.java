package io.spillway.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.spillway.cli.stack.LocalStack;
import io.spillway.cli.stack.ServiceProcess;
import io.spillway.cli.stack.ServiceSpec;
import io.spillway.platform.Platform;
import io.spillway.platform.PlatformMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code spillway up}: starts Kafka, PostgreSQL, S3 and every service on embedded defaults. */
@Command(name = "up", mixinStandardHelpOptions = true, description = "Start the local platform (Kafka, PostgreSQL, S3) and every Spillway service, two sites.")
public class UpCommand implements Callable<Integer> {

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Kafka broker port (default ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--s3-port", defaultValue = "9000", description = "S3 (s3proxy) port (default ${DEFAULT-VALUE}).")
    int s3Port;

    @Option(names = "--otlp-endpoint", description = "OTLP/HTTP endpoint for traces, e.g. Jaeger's http://127.0.0.1:4318.")
    String otlpEndpoint;

    @Option(names = "--timeout", defaultValue = "180", description = "Seconds to wait for each service to be ready.")
    int timeoutSeconds;

    @Option(names = "--replicas", defaultValue = "1", description = "Run each service this many times (1-3): replica N"
            + " of a service answers 100*(N-1) ports above the first; a site's schedulers are leader and standby,"
            + " the others share the work.")
    int replicas;

    @Override
    public Integer call() throws Exception {
        StackPaths paths = StackPaths.fromEnvironment();
        Files.createDirectories(paths.pids());
        System.out.println("Starting the platform (Kafka, PostgreSQL, S3) under " + paths.platform());
        startPlatform(paths);
        Map<String, String> platform = Platform.describedBy(readEnvFile(paths.platform().resolve("platform.env")))
                .quarkusConfig();

        Path credentialsFile = CliConfig.credentialsFile(System.getenv());
        boolean hadTokens = Credentials.read(credentialsFile).map(Credentials::hasTokens).orElse(false);
        Credentials credentials = credentials(credentialsFile, "http://127.0.0.1:" + LocalStack.DEFAULT_PORTS.get(0));
        if (!hadTokens && runningPid(paths, "job-intake") != null) {
            System.err.println("New tokens were written to " + credentialsFile + ", but job-intake is already "
                    + "running with the earlier ones: run `bin/spillway down`, then `bin/spillway up`.");
        }

        if (replicas < 1 || replicas > LocalStack.MAX_REPLICAS) {
            System.err.println("--replicas must be 1 to " + LocalStack.MAX_REPLICAS + ", got " + replicas);
            return 2;
        }
        List<ServiceSpec> services = LocalStack.withReplicas(LocalStack.services(platform, paths.state(),
                LocalStack.DEFAULT_PORTS, otlpEndpoint, credentials.bootstrap()), replicas);
        List<ServiceProcess> started = new ArrayList<>();
        for (ServiceSpec service : services) {
            if (runningPid(paths, service.name()) != null) {
                System.out.printf("  %-22s already running%n", service.name());
                continue;
            }
            ServiceProcess process = ServiceProcess.start(service, paths.projectRoot(), paths.logs(), true);
            Files.writeString(paths.pidFile(service.name()), Long.toString(process.pid()));
            started.add(process);
        }
        for (ServiceProcess process : started) {
            process.awaitReady(Duration.ofSeconds(timeoutSeconds));
            System.out.printf("  %-22s ready  %s  (pid %d)%n", process.spec().name(), process.spec().url(),
                    process.pid());
        }
        System.out.println();
        System.out.println("Spillway is up. Jobs API: http://127.0.0.1:8080/api/v1/jobs  (Swagger UI: /q/swagger-ui)");
        System.out.println("Sites: onprem (" + LocalStack.ONPREM_GPUS + " GPUs), cloud (" + LocalStack.CLOUD_GPUS
                + " GPUs, burst site). Filesystems under " + paths.state().resolve("sites"));
        System.out.println("Credentials: " + credentialsFile + " (admin and '" + credentials.project()
                + "' project tokens; the CLI reads them from there)");
        System.out.println("Logs: " + paths.logs() + "   Stop everything: bin/spillway down");
        return 0;
    }

    /**
     * The credentials file's tokens; generated and written (mode 600) when the file is missing or lacks them. An
     * existing file is reused: the database outlives {@code down}/{@code up}, and so do the tokens it knows.
     */
    static Credentials credentials(Path file, String url) throws IOException {
        Credentials stored = Credentials.read(file).orElse(new Credentials(null, null, null, null, null));
        if (stored.hasTokens() && stored.url() != null && stored.project() != null) {
            return stored;
        }
        Credentials completed = stored.completedWith(url);
        completed.write(file);
        return completed;
    }

    private void startPlatform(StackPaths paths) throws IOException, InterruptedException {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), PlatformMain.class.getName(), "start", "--state-dir",
                paths.platform().toString(), "--kafka-port", String.valueOf(kafkaPort), "--s3-port",
                String.valueOf(s3Port));
        Process process = new ProcessBuilder(command).inheritIO().start();
        if (process.waitFor() != 0) {
            throw new IOException("The platform did not start (exit code " + process.exitValue() + "); see "
                    + paths.platform());
        }
    }

    /** The pid of a service started earlier that still runs, or {@code null}. */
    static Long runningPid(StackPaths paths, String service) throws IOException {
        Path pidFile = paths.pidFile(service);
        if (!Files.exists(pidFile)) {
            return null;
        }
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        return ServiceProcess.find(pid).filter(ProcessHandle::isAlive).map(h -> pid).orElse(null);
    }

    /** Reads {@code export NAME=value} lines, as the platform harness writes them. */
    static Map<String, String> readEnvFile(Path file) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            if (trimmed.startsWith("export ")) {
                trimmed = trimmed.substring("export ".length());
            }
            int equals = trimmed.indexOf('=');
            if (equals > 0) {
                String value = trimmed.substring(equals + 1);
                if (value.length() >= 2 && (value.startsWith("'") && value.endsWith("'")
                        || value.startsWith("\"") && value.endsWith("\""))) {
                    value = value.substring(1, value.length() - 1);
                }
                env.put(trimmed.substring(0, equals), value);
            }
        }
        return env;
    }
}
