package io.spillway.cli.stack;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.spillway.platform.Readiness;

/** One Spillway service running as its own OS process from its built jar, and how to wait for and stop it. */
public final class ServiceProcess {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final ServiceSpec spec;
    private final ProcessHandle handle;
    private final Path log;

    private ServiceProcess(ServiceSpec spec, ProcessHandle handle, Path log) {
        this.spec = spec;
        this.handle = handle;
        this.log = log;
    }

    /**
     * Services that move bulk data and get the full JIT. The others run on C1 alone, which keeps eight JVMs' start-up
     * and memory low on two cores; but the JDK's AES-GCM and SHA-256 intrinsics come with C2 only, and limited to C1
     * snapshot-worker sealed and uploaded at ~13 MB/s (a 256 MiB burst snapshot took 19 s) where C2 does ~100 MB/s.
     */
    static final Set<String> BULK_DATA = Set.of("snapshot-worker-onprem", "snapshot-worker-cloud");

    /**
     * Starts the service with its configuration as system properties. A detached service gets its own session,
     * so it outlives the command that started it ({@code spillway up}).
     */
    public static ServiceProcess start(ServiceSpec spec, Path projectRoot, Path logDir, boolean detached)
            throws IOException {
        Path jar = projectRoot.resolve(spec.jar());
        if (!Files.isRegularFile(jar)) {
            throw new IOException(spec.name() + " is not built: " + jar + " is missing (run mvn -B install -DskipTests)");
        }
        List<String> command = new ArrayList<>();
        if (detached && Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            command.add("/usr/bin/setsid");
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + spec.heapMiB() + "m");
        command.add("-XX:+UseSerialGC");
        if (!BULK_DATA.contains(spec.name())) {
            command.add("-XX:TieredStopAtLevel=1");
        }
        Map<String, String> environment = new java.util.HashMap<>();
        for (Map.Entry<String, String> property : spec.config().entrySet()) {
            if (isSecret(property.getKey())) {
                environment.put(environmentName(property.getKey()), property.getValue());
            } else {
                command.add("-D" + property.getKey() + "=" + property.getValue());
            }
        }
        command.add("-jar");
        command.add(jar.toString());
        Files.createDirectories(logDir);
        Path log = logDir.resolve(spec.name() + ".log");
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        Process process = builder
                .directory(projectRoot.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return new ServiceProcess(spec, process.toHandle(), log);
    }

    /** A credential goes in the environment, where other users cannot read it, not on the command line ({@code ps}). */
    public static boolean isSecret(String key) {
        return key.endsWith("-token") || key.endsWith("secret-key") || key.endsWith(".password");
    }

    /** The environment variable Quarkus reads for {@code key}: upper case, every other character an underscore. */
    public static String environmentName(String key) {
        return key.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    public ServiceSpec spec() {
        return spec;
    }

    public long pid() {
        return handle.pid();
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return handle.isAlive();
    }

    /** Waits until {@code /q/health/ready} answers UP; fails early, with the log's tail, if the process dies. */
    public void awaitReady(Duration timeout) {
        URI ready = URI.create("http://127.0.0.1:" + spec.port() + "/q/health/ready");
        Readiness.await(spec.name() + " (log: " + log + ")", timeout, () -> {
            if (!handle.isAlive()) {
                throw new IllegalStateException(spec.name() + " exited during start-up; last lines of " + log + ":\n"
                        + tail(log, 30));
            }
        }, () -> {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(3))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("not ready: HTTP " + response.statusCode() + " " + response.body());
            }
            return response;
        });
    }

    /** SIGTERM, then SIGKILL after {@code grace}. */
    public void stop(Duration grace) {
        stop(handle, grace);
    }

    public static void stop(ProcessHandle handle, Duration grace) {
        if (!handle.isAlive()) {
            return;
        }
        handle.destroy();
        try {
            handle.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            handle.destroyForcibly();
        }
    }

    public static Optional<ProcessHandle> find(long pid) {
        return ProcessHandle.of(pid);
    }

    static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }
}
