package io.spillway.scheduler;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.commons.support.AnnotationSupport;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Holds the scheduler's RBAC ({@code deploy/base/gpu-scheduler/rbac.yaml}) to exactly what its code asks of the API
 * server, as the unit tests recorded it against fabric8's mock server ({@link KubernetesRequestLog}): the
 * ServiceAccount's Roles grant every permission those requests need, and nothing else.
 *
 * <p>
 * It runs after the unit tests (Failsafe), on their recordings, so it fails when they did not run.
 */
class KubernetesRoleIT {

    static final String RBAC = "deploy/base/gpu-scheduler/rbac.yaml";
    static final String SERVICE_ACCOUNT = "gpu-scheduler";
    /** Relative to the module, where Failsafe runs. */
    static final Path CLASSES = Path.of("target", "classes");
    static final Path TEST_CLASSES = Path.of("target", "test-classes");

    static List<HasMetadata> objects;

    @BeforeAll
    static void loadRbac() throws IOException {
        String root = System.getProperty("spillway.project.root");
        assertTrue(root != null && !root.isBlank(), "system property spillway.project.root is not set: run this "
                + "test through Maven (services/gpu-scheduler/pom.xml passes ${maven.multiModuleProjectDirectory})");
        try (InputStream yaml = Files.newInputStream(Path.of(root, RBAC))) {
            Object loaded = new KubernetesSerialization().unmarshal(yaml);
            objects = loaded instanceof List<?> list ? list.stream().map(HasMetadata.class::cast).toList()
                    : List.of((HasMetadata) loaded);
        }
    }

    @Test
    void theServiceAccountIsGrantedExactlyWhatTheCodeAsksOfTheApiServer() throws IOException {
        SortedMap<KubernetesPermission, String> used = usedByTheCode();
        SortedMap<KubernetesPermission, String> granted = grantedToTheServiceAccount();

        List<String> differences = new ArrayList<>();
        used.forEach((permission, example) -> {
            if (!granted.containsKey(permission)) {
                differences.add("missing: " + permission + ", which the code uses: " + example);
            }
        });
        granted.forEach((permission, grant) -> {
            if (!used.containsKey(permission)) {
                differences.add("unused: " + permission + ", granted by " + grant + ", which no request needs");
            }
        });
        assertTrue(differences.isEmpty(), RBAC + " does not match what the gpu-scheduler's code asks of "
                + "Kubernetes in its tests (" + KubernetesRequestLog.DIRECTORY + "):\n  "
                + String.join("\n  ", differences) + "\nThe code uses: " + used.keySet());
    }

    @Test
    void everyObjectIsTheGpuSchedulersAndLeavesItsNamespaceToKustomize() {
        assertEquals(Set.of("ServiceAccount/gpu-scheduler", "Role/gpu-scheduler", "RoleBinding/gpu-scheduler",
                "ClusterRole/spillway-gpu-scheduler", "ClusterRoleBinding/spillway-gpu-scheduler"),
                objects.stream().map(object -> object.getKind() + "/" + object.getMetadata().getName())
                        .collect(Collectors.toSet()));
        for (HasMetadata object : objects) {
            String name = object.getKind() + "/" + object.getMetadata().getName();
            assertEquals(Map.of("app.kubernetes.io/name", "gpu-scheduler", "app.kubernetes.io/part-of", "spillway"),
                    object.getMetadata().getLabels(), name);
            assertNull(object.getMetadata().getNamespace(), name + ": the overlay's kustomization sets the namespace");
        }
        // Kustomize fills an empty subject namespace with the ServiceAccount's; it keeps an explicit one as it is.
        bindings().forEach(subject -> assertNull(subject.getNamespace(), "subject namespace of " + subject));
    }

    /** Every permission the recorded requests of the code need, each with one request that needs it. */
    private static SortedMap<KubernetesPermission, String> usedByTheCode() throws IOException {
        List<Class<?>> mockServerTests = mockServerTests();
        assertFalse(mockServerTests.isEmpty(), "no test class of the module uses @EnableKubernetesMockClient");
        FileTime built = newestClassFile();
        SortedMap<KubernetesPermission, String> used = new TreeMap<>(KubernetesPermission.READING_ORDER);
        for (Class<?> test : mockServerTests) {
            assertTrue(AnnotationSupport.findRepeatableAnnotations(test, ExtendWith.class).stream()
                    .anyMatch(extend -> List.of(extend.value()).contains(KubernetesRequestLog.class)),
                    test.getName() + " uses the Kubernetes mock server without @ExtendWith(KubernetesRequestLog.class):"
                            + " the Role would not see what its code asks of the API server");
            Path file = KubernetesRequestLog.file(test);
            if (!Files.exists(file)) {
                fail("no recording " + file.toAbsolutePath() + ": the unit tests did not run (skipped, or filtered "
                        + "with -Dtest); run mvn verify on the module without -Dtest");
            }
            if (Files.getLastModifiedTime(file).compareTo(built) < 0) {
                fail("the recording " + file.toAbsolutePath() + " is older than the module's classes: the unit tests "
                        + "did not run since the code last changed; run mvn verify on the module without -Dtest");
            }
            String testName = test.getSimpleName();
            String method = "?";
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(KubernetesRequestLog.FIXTURE_PREFIX)) {
                    continue;
                }
                if (line.startsWith("# ")) {
                    method = line.substring(2);
                    continue;
                }
                String[] request = line.split(" ", 2);
                used.putIfAbsent(KubernetesPermission.of(request[0], request[1]),
                        line + " (" + testName + "." + method + ")");
            }
        }
        assertFalse(used.isEmpty(), "the recordings in " + KubernetesRequestLog.DIRECTORY.toAbsolutePath()
                + " hold no request of the code: the Role cannot be checked against nothing");
        return used;
    }

    /**
     * What the Roles bound to the ServiceAccount grant (namespaced), and the ClusterRoles bound to it (cluster-wide),
     * each with the role that grants it.
     */
    private static SortedMap<KubernetesPermission, String> grantedToTheServiceAccount() {
        SortedMap<KubernetesPermission, String> granted = new TreeMap<>(KubernetesPermission.READING_ORDER);
        Set<String> roles = of(RoleBinding.class).stream().filter(binding -> bindsTheServiceAccount(binding
                .getSubjects())).map(binding -> binding.getRoleRef().getKind() + "/" + binding.getRoleRef().getName())
                .collect(Collectors.toSet());
        Set<String> clusterRoles = of(ClusterRoleBinding.class).stream()
                .filter(binding -> bindsTheServiceAccount(binding.getSubjects()))
                .map(binding -> binding.getRoleRef().getKind() + "/" + binding.getRoleRef().getName())
                .collect(Collectors.toSet());
        assertTrue(of(ServiceAccount.class).stream().anyMatch(account -> account.getMetadata().getName()
                .equals(SERVICE_ACCOUNT)), "no ServiceAccount " + SERVICE_ACCOUNT);
        for (Role role : of(Role.class)) {
            String name = "Role/" + role.getMetadata().getName();
            if (roles.contains(name)) {
                role.getRules().forEach(rule -> grants(rule, true, name, granted));
            }
        }
        for (ClusterRole role : of(ClusterRole.class)) {
            String name = "ClusterRole/" + role.getMetadata().getName();
            // Through a RoleBinding a ClusterRole grants only in the binding's namespace; through a
            // ClusterRoleBinding, everywhere: namespaced resources in every namespace, and cluster-scoped ones.
            if (roles.contains(name)) {
                role.getRules().forEach(rule -> grants(rule, true, name + " (RoleBinding)", granted));
            }
            if (clusterRoles.contains(name)) {
                role.getRules().forEach(rule -> grants(rule, false, name, granted));
            }
        }
        return granted;
    }

    private static void grants(PolicyRule rule, boolean namespaced, String role,
            SortedMap<KubernetesPermission, String> granted) {
        if (rule.getNonResourceURLs() != null && !rule.getNonResourceURLs().isEmpty()) {
            fail(role + " grants nonResourceURLs " + rule.getNonResourceURLs() + ", which the code never asks for");
        }
        if (rule.getResourceNames() != null && !rule.getResourceNames().isEmpty()) {
            fail(role + " limits a rule to resourceNames " + rule.getResourceNames() + ": the recordings cannot tell "
                    + "whether the code's requests stay within them; extend this test first");
        }
        for (String group : rule.getApiGroups()) {
            for (String resource : rule.getResources()) {
                for (String verb : rule.getVerbs()) {
                    if (group.contains("*") || resource.contains("*") || verb.contains("*")) {
                        fail(role + " grants a wildcard (" + group + " " + resource + " " + verb + "): least "
                                + "privilege names each API group, resource and verb");
                    }
                    granted.putIfAbsent(new KubernetesPermission(namespaced, group, resource, verb), role);
                }
            }
        }
    }

    private static boolean bindsTheServiceAccount(List<Subject> subjects) {
        return subjects.stream().anyMatch(subject -> "ServiceAccount".equals(subject.getKind())
                && SERVICE_ACCOUNT.equals(subject.getName()));
    }

    private static Stream<Subject> bindings() {
        return Stream.concat(of(RoleBinding.class).stream().flatMap(binding -> binding.getSubjects().stream()),
                of(ClusterRoleBinding.class).stream().flatMap(binding -> binding.getSubjects().stream()));
    }

    private static <T extends HasMetadata> List<T> of(Class<T> kind) {
        return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    /** The module's test classes that run code against the mock server, so each must have left a recording. */
    private static List<Class<?>> mockServerTests() throws IOException {
        List<Class<?>> tests = new ArrayList<>();
        try (Stream<Path> files = Files.walk(TEST_CLASSES)) {
            for (Path file : (Iterable<Path>) files.filter(path -> path.toString().endsWith(".class"))::iterator) {
                String name = TEST_CLASSES.relativize(file).toString().replace(file.getFileSystem().getSeparator(), ".")
                        .replaceAll("\\.class$", "");
                try {
                    Class<?> type = Class.forName(name, false, KubernetesRoleIT.class.getClassLoader());
                    if (AnnotationSupport.isAnnotated(type, EnableKubernetesMockClient.class)) {
                        tests.add(type);
                    }
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException(file + " is not on the test class path", e);
                }
            }
        }
        tests.sort(Comparator.comparing(Class::getName));
        return tests;
    }

    /** When the module's code or tests were last compiled; a recording older than that is not of this code. */
    private static FileTime newestClassFile() throws IOException {
        FileTime newest = FileTime.fromMillis(0);
        for (Path classes : List.of(CLASSES, TEST_CLASSES)) {
            try (Stream<Path> files = Files.walk(classes)) {
                for (Path file : (Iterable<Path>) files.filter(path -> path.toString().endsWith(".class"))::iterator) {
                    FileTime modified = Files.getLastModifiedTime(file);
                    if (modified.compareTo(newest) > 0) {
                        newest = modified;
                    }
                }
            }
        }
        return newest;
    }
}
