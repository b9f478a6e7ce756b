package io.spillway.scheduler;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * Records every request a test sends to fabric8's Kubernetes mock server, so that {@link KubernetesRoleIT} can hold
 * the scheduler's RBAC rules to what its code really asks of the API server.
 *
 * <p>
 * Register it after {@code @EnableKubernetesMockClient} (so it reads the server before that extension shuts it
 * down) and declare a {@link KubernetesMockServer} field for it to read. Each test class writes
 * {@code target/kubernetes-requests/<TestClass>.txt}: a {@code # test} line per test, then one
 * {@code METHOD path?query} line per request of the code under test. Requests the test makes itself, playing the
 * kubelet or an administrator, go through {@link #fixtureClient} and are written as {@code # fixture: } comments: they
 * are not the scheduler's, so they must not widen its Role.
 */
public final class KubernetesRequestLog implements BeforeAllCallback, AfterEachCallback {

    /** Relative to the module, where Surefire and Failsafe both run. */
    public static final Path DIRECTORY = Path.of("target", "kubernetes-requests");
    /** The user agent of {@link #fixtureClient}, which tells the test's own requests from the code's. */
    static final String FIXTURE_USER_AGENT = "spillway-test-fixture";
    static final String FIXTURE_PREFIX = "# fixture: ";
    /** Long enough for a request already on the wire to land in the server's queue, short enough to add nothing. */
    private static final long DRAIN_WAIT_MS = 20;

    /**
     * A client of the same mock server for what the test does itself (set a pod's phase as the kubelet would, create
     * nodes, read back what the code wrote); its requests are recorded as fixtures, not as the code's. The caller
     * closes it.
     */
    public static NamespacedKubernetesClient fixtureClient(KubernetesMockServer server) {
        return server.createClient(builder -> builder.editOrNewConfig().withUserAgent(FIXTURE_USER_AGENT).endConfig());
    }

    /** The file a test class's requests go to. */
    public static Path file(Class<?> testClass) {
        return DIRECTORY.resolve(testClass.getSimpleName() + ".txt");
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        // A fresh file per run of the class: lines of code since removed must not keep a verb in the Role.
        Files.createDirectories(DIRECTORY);
        Files.deleteIfExists(file(context.getRequiredTestClass()));
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        KubernetesMockServer server = server(context);
        List<String> lines = new ArrayList<>();
        lines.add("# " + context.getRequiredTestMethod().getName());
        RecordedRequest request;
        while ((request = server.takeRequest(DRAIN_WAIT_MS, TimeUnit.MILLISECONDS)) != null) {
            String line = request.getMethod() + " " + request.getPath();
            lines.add(FIXTURE_USER_AGENT.equals(request.getHeader("User-Agent")) ? FIXTURE_PREFIX + line : line);
        }
        Files.write(file(context.getRequiredTestClass()), lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /** The mock server the test class declares, as {@code @EnableKubernetesMockClient} set it. */
    private static KubernetesMockServer server(ExtensionContext context) throws IllegalAccessException {
        Object instance = context.getRequiredTestInstance();
        for (Class<?> type = instance.getClass(); type != null; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (field.getType() == KubernetesMockServer.class) {
                    field.setAccessible(true);
                    Object server = field.get(Modifier.isStatic(field.getModifiers()) ? null : instance);
                    if (server != null) {
                        return (KubernetesMockServer) server;
                    }
                }
            }
        }
        throw new ExtensionConfigurationException(instance.getClass().getName() + " uses "
                + KubernetesRequestLog.class.getSimpleName() + " but has no KubernetesMockServer field that "
                + "@EnableKubernetesMockClient set: declare one, and register this extension after that annotation");
    }
}
