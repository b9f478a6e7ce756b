package io.spillway.system;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.spillway.cli.Credentials;
import io.spillway.cli.stack.LocalStack;
import io.spillway.cli.stack.ServiceProcess;
import io.spillway.cli.stack.ServiceSpec;
import io.spillway.platform.Platform;
import io.spillway.testing.TestPlatform;

import static org.awaitility.Awaitility.await;

/**
 * Every service as its own process from its built jar, on free ports and the shared platform, with freshly generated
 * tokens: the stack exactly as {@code spillway up} runs it, for one test class.
 */
final class SystemStack implements AutoCloseable {

    static final Path PROJECT_ROOT = Path.of(System.getProperty("spillway.project.root", "..")).toAbsolutePath()
            .normalize();

    private final List<ServiceProcess> services = new ArrayList<>();
    private final Map<String, ServiceSpec> byName = new HashMap<>();
    private final Path state;
    private final Credentials credentials;

    private SystemStack(Path state, Credentials credentials) {
        this.state = state;
        this.credentials = credentials;
    }

    private static SystemStack shared;

    /**
     * The stack on its default configuration that every test class content with it shares, started by the first and
     * stopped when the JVM ends: one start for all of them instead of one each.
     */
    static synchronized SystemStack shared() throws IOException {
        if (shared == null) {
            shared = start(Map.of(), null);
            SystemStack started = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "stop-shared-stack"));
        }
        return shared;
    }

    /**
     * Stops the shared stack if one runs. Every stack uses the test JVM's one database and broker, so a test class
     * that starts services of its own must not run beside it: two schedulers of a site would share a lease and a
     * queue. The next class that wants the shared stack starts it again.
     */
    static synchronized void stopShared() {
        if (shared != null) {
            shared.close();
            shared = null;
        }
    }

    /**
     * Starts the stack and waits until every service is ready; stops what it started if one never is. The shared
     * stack, if one runs, is stopped first.
     */
    static SystemStack start(Map<String, String> extraConfig, String otlpEndpoint) throws IOException {
        stopShared();
        Platform platform = TestPlatform.shared();
        Path target = Files.createDirectories(PROJECT_ROOT.resolve("system-tests/target"));
        Path state = Files.createTempDirectory(target, "stack-");
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < LocalStack.SERVICE_NAMES.size(); i++) {
            ports.add(freePort());
        }
        Credentials credentials = Credentials.generate("http://127.0.0.1:" + ports.get(0),
                Credentials.DEFAULT_PROJECT);
        Map<String, String> config = new HashMap<>(platform.quarkusConfig());
        config.putAll(extraConfig);
        SystemStack stack = new SystemStack(state, credentials);
        try {
            for (ServiceSpec spec : LocalStack.services(config, state, ports, otlpEndpoint, credentials.bootstrap())) {
                stack.services.add(ServiceProcess.start(spec, PROJECT_ROOT, state.resolve("logs"), false));
                stack.byName.put(spec.name(), spec);
            }
            for (ServiceProcess service : stack.services) {
                service.awaitReady(Duration.ofSeconds(240));
            }
        } catch (RuntimeException | IOException e) {
            stack.close();
            throw e;
        }
        return stack;
    }

    /** SIGKILLs a service (no shutdown hook runs) and waits until its process is gone. */
    void killNine(String service) {
        ServiceProcess process = process(service);
        ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
        await().atMost(Duration.ofSeconds(20)).until(() -> !process.isAlive());
    }

    /** Starts a service that was stopped or killed again, on its port and configuration, and waits until ready. */
    void restart(String service) throws IOException {
        ServiceProcess restarted = ServiceProcess.start(byName.get(service), PROJECT_ROOT, state.resolve("logs"),
                false);
        services.replaceAll(running -> running.spec().name().equals(service) ? restarted : running);
        restarted.awaitReady(Duration.ofSeconds(240));
    }

    /**
     * Starts one more replica of a service, on a free port and otherwise the same configuration (the same database
     * and consumer groups), waits until it is ready and returns its base URL. {@link #close()} stops it too.
     */
    String startReplica(String service) throws IOException {
        ServiceSpec original = byName.get(service);
        int port = freePort();
        Map<String, String> config = new HashMap<>(original.config());
        config.put("quarkus.http.port", String.valueOf(port));
        ServiceSpec replica = new ServiceSpec(original.name() + "-replica-" + port, original.jar(), port,
                original.heapMiB(), config);
        ServiceProcess started = ServiceProcess.start(replica, PROJECT_ROOT, state.resolve("logs"), false);
        services.add(started);
        byName.put(replica.name(), replica);
        started.awaitReady(Duration.ofSeconds(240));
        return replica.url();
    }

    private ServiceProcess process(String service) {
        return services.stream().filter(running -> running.spec().name().equals(service)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no service " + service));
    }

    /** The base URL of a service, e.g. {@code job-intake}. */
    String url(String service) {
        return byName.get(service).url();
    }

    /**
     * The token a call to {@code url} takes: the {@code default} project's at job-intake, whose API users call; the
     * service credential at every other service's internal API.
     */
    String tokenFor(String url) {
        return url.startsWith(url("job-intake")) ? credentials.token() : credentials.serviceToken();
    }

    /** The stack's admin and {@code default}-project tokens, and job-intake's URL. */
    Credentials credentials() {
        return credentials;
    }

    /** The stack's own directory: filesystems, job directories and service logs. */
    Path state() {
        return state;
    }

    @Override
    public void close() {
        // All at once: one after the other, a stack stopping as the JVM exits outlasts the test runner's patience
        // (it kills the JVM and would leave the rest running).
        services.parallelStream().forEach(service -> service.stop(Duration.ofSeconds(10)));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
