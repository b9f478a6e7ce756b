package io.spillway.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.spillway.schemas.Topics;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kustomization of deploy/, rendered by {@code kubectl kustomize} and loaded into fabric8's and Strimzi's
 * models (an unknown field fails), then held to what a Spillway deployment promises: probes, resources, a locked-down
 * security context, least-privilege network access, disruption budgets, a KafkaTopic for every topic of the registry,
 * and every service configured completely for its site.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubernetesManifestsTest {

    private final Map<String, List<HasMetadata>> rendered = new LinkedHashMap<>();

    @BeforeAll
    void renderEveryKustomization() throws Exception {
        Path deploy = Project.root().resolve("deploy");
        for (Path kustomization : Manifests.kustomizations()) {
            rendered.put(deploy.relativize(kustomization).toString(), Manifests.render(kustomization));
        }
        assertEquals(Set.of("base", "overlays/onprem", "overlays/cloud"), rendered.keySet());
    }

    @Test
    void theHomeSiteRunsEveryServiceAndTheCloudSiteItsOwnThree() {
        assertEquals(Set.copyOf(Project.SERVICES), spillwayDeployments("overlays/onprem").keySet());
        assertEquals(Set.copyOf(Project.SITE_SERVICES), spillwayDeployments("overlays/cloud").keySet());
        assertEquals(Set.of("jaeger"), deployments("overlays/onprem").stream().map(d -> d.getMetadata().getName())
                .filter(name -> !Project.SERVICES.contains(name)).collect(Collectors.toSet()));
    }

    @Test
    void everyDeploymentProbesHealthHasResourcesAndALockedDownSecurityContext() {
        List<String> problems = new ArrayList<>();
        for (String kustomization : rendered.keySet()) {
            Set<String> accounts = names(kustomization, ServiceAccount.class);
            for (Deployment deployment : deployments(kustomization)) {
                String where = kustomization + " " + deployment.getMetadata().getName();
                PodSpec pod = deployment.getSpec().getTemplate().getSpec();
                if (pod.getSecurityContext() == null || !Boolean.TRUE.equals(pod.getSecurityContext().getRunAsNonRoot())) {
                    problems.add(where + ": pod does not set runAsNonRoot");
                }
                if (pod.getServiceAccountName() == null || !accounts.contains(pod.getServiceAccountName())) {
                    problems.add(where + ": its ServiceAccount " + pod.getServiceAccountName() + " is not deployed");
                }
                boolean spillway = Project.SERVICES.contains(deployment.getMetadata().getName());
                for (Container container : pod.getContainers()) {
                    problems.addAll(probes(where, container, spillway));
                    var resources = container.getResources();
                    if (resources == null || resources.getRequests() == null
                            || !resources.getRequests().keySet().containsAll(Set.of("cpu", "memory"))
                            || resources.getLimits() == null || !resources.getLimits().containsKey("memory")) {
                        problems.add(where + ": needs cpu and memory requests and a memory limit");
                    }
                    var security = container.getSecurityContext();
                    if (security == null || !Boolean.FALSE.equals(security.getAllowPrivilegeEscalation())
                            || !Boolean.TRUE.equals(security.getReadOnlyRootFilesystem())
                            || security.getCapabilities() == null
                            || !security.getCapabilities().getDrop().contains("ALL")) {
                        problems.add(where + ": container must drop ALL capabilities, forbid privilege escalation "
                                + "and run on a read-only root filesystem");
                    }
                }
                boolean talksToKubernetes = deployment.getMetadata().getName().equals("gpu-scheduler");
                if (!Objects.equals(talksToKubernetes, pod.getAutomountServiceAccountToken())) {
                    problems.add(where + ": only the gpu-scheduler mounts an API token (automountServiceAccountToken="
                            + pod.getAutomountServiceAccountToken() + ")");
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void everyDeploymentHasAServiceAndADisruptionBudgetThatSelectItsPods() {
        for (String kustomization : rendered.keySet()) {
            for (Deployment deployment : deployments(kustomization)) {
                Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
                String name = kustomization + " " + deployment.getMetadata().getName();
                assertTrue(objects(kustomization, Service.class).stream()
                        .anyMatch(service -> selects(service.getSpec().getSelector(), podLabels)), name + ": Service");
                PodDisruptionBudget budget = objects(kustomization, PodDisruptionBudget.class).stream()
                        .filter(pdb -> selects(pdb.getSpec().getSelector(), podLabels)).findFirst().orElse(null);
                if (Project.SERVICES.contains(deployment.getMetadata().getName())) {
                    assertNotNull(budget, name + ": PodDisruptionBudget");
                    // A budget of minAvailable 1 over one replica would block every drain.
                    assertNotNull(budget.getSpec().getMaxUnavailable(), name + ": budget by maxUnavailable");
                }
            }
        }
    }

    @Test
    void onlyJobIntakesApiIsOpenAndTheInternalApisAnswerOnlySpillwaysPods() {
        for (String kustomization : List.of("overlays/onprem", "overlays/cloud")) {
            List<NetworkPolicy> policies = objects(kustomization, NetworkPolicy.class);
            assertTrue(policies.stream().anyMatch(policy -> isEmpty(policy.getSpec().getPodSelector().getMatchLabels())
                    && isEmpty(policy.getSpec().getPodSelector().getMatchExpressions())
                    && policy.getSpec().getPolicyTypes().contains("Ingress")
                    && (policy.getSpec().getIngress() == null || policy.getSpec().getIngress().isEmpty())),
                    kustomization + ": a default deny of ingress");
            for (Deployment deployment : spillwayDeployments(kustomization).values()) {
                String service = deployment.getMetadata().getName();
                Map<String, String> labels = deployment.getSpec().getTemplate().getMetadata().getLabels();
                List<NetworkPolicy> selecting = policies.stream()
                        .filter(policy -> selects(policy.getSpec().getPodSelector(), labels)).toList();
                assertFalse(selecting.isEmpty(), kustomization + ": no policy lets anything reach " + service);
                for (NetworkPolicy policy : selecting) {
                    for (NetworkPolicyIngressRule rule : Objects.requireNonNullElse(policy.getSpec().getIngress(),
                            List.<NetworkPolicyIngressRule> of())) {
                        String where = kustomization + " " + policy.getMetadata().getName() + " -> " + service;
                        if (service.equals("job-intake")) {
                            continue;
                        }
                        boolean crossSite = "true".equals(policy.getMetadata().getLabels() == null ? null
                                : policy.getMetadata().getLabels().get("spillway.io/cross-site"));
                        assertFalse(rule.getFrom() == null || rule.getFrom().isEmpty(), where + ": open to anyone");
                        for (NetworkPolicyPeer peer : rule.getFrom()) {
                            if (crossSite && service.equals("gpu-scheduler") && peer.getIpBlock() != null) {
                                continue;
                            }
                            assertTrue(peer.getNamespaceSelector() == null && peer.getIpBlock() == null
                                    && peer.getPodSelector() != null
                                    && "spillway".equals(peer.getPodSelector().getMatchLabels()
                                            .get("app.kubernetes.io/part-of")),
                                    where + ": only Spillway's own pods, got " + peer);
                        }
                    }
                }
            }
        }
        NetworkPolicy intake = objects("overlays/onprem", NetworkPolicy.class).stream()
                .filter(policy -> policy.getMetadata().getName().equals("job-intake-api")).findFirst().orElseThrow();
        assertTrue(intake.getSpec().getIngress().stream()
                .anyMatch(rule -> rule.getFrom() == null || rule.getFrom().isEmpty()),
                "job-intake's API is reachable from outside the namespace");
    }

    @Test
    void kafkaIsAStrimziKraftClusterWithAKafkaTopicForEveryTopicOfTheRegistry() {
        assertEquals(1, objects("overlays/onprem", Kafka.class).size());
        KafkaNodePool pool = objects("overlays/onprem", KafkaNodePool.class).get(0);
        assertTrue(pool.getSpec().getRoles().size() == 2, "dual-role KRaft nodes");
        Map<String, KafkaTopic> topics = new HashMap<>();
        objects("overlays/onprem", KafkaTopic.class).forEach(topic -> topics.put(topic.getSpec().getTopicName(), topic));
        assertEquals(Topics.registry().stream().map(Topics.Topic::name).collect(Collectors.toSet()), topics.keySet());
        for (Topics.Topic registered : Topics.registry()) {
            KafkaTopic topic = topics.get(registered.name());
            assertEquals(registered.partitions(), topic.getSpec().getPartitions(), registered.name());
            Object policy = topic.getSpec().getConfig().get("cleanup.policy");
            assertEquals(registered.compacted() ? "compact" : "delete", policy, registered.name());
            if (registered.deadLetter()) {
                assertNotNull(topic.getSpec().getConfig().get("retention.ms"), registered.name() + " kept by time");
            }
        }
        assertTrue(objects("overlays/cloud", KafkaTopic.class).isEmpty(), "one Kafka, at the home site");
    }

    @Test
    void everySpillwayServiceIsConfiguredCompletelyForItsSite() {
        List<String> problems = new ArrayList<>();
        for (String kustomization : List.of("overlays/onprem", "overlays/cloud")) {
            String site = kustomization.substring("overlays/".length());
            for (Deployment deployment : spillwayDeployments(kustomization).values()) {
                String service = deployment.getMetadata().getName();
                Map<String, String> env = environment(kustomization, deployment);
                ServiceConfiguration configuration = ServiceConfiguration.of(service, env);
                configuration.problems().forEach(problem -> problems.add(kustomization + " " + service + ": " + problem));
                if (Project.SITE_SERVICES.contains(service)) {
                    assertEquals(site, configuration.value("spillway.site"), kustomization + " " + service);
                }
                if (service.equals("snapshot-worker")) {
                    assertEquals(site, configuration.value("spillway.snapshot.serves"), kustomization);
                    assertEquals("/var/lib/spillway/filesystems",
                            configuration.value("spillway.snapshot.sites." + site + ".root"), kustomization);
                }
                Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
                assertEquals(configuration.value("quarkus.http.port"),
                        String.valueOf(container.getPorts().get(0).getContainerPort()), kustomization + " " + service);
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void filesystemsUseEachSitesStorageClassAndTheGuideNamesEverySecret() {
        assertEquals("storageclass-wekafs-dir-api", filesystems("overlays/onprem").getSpec().getStorageClassName());
        assertEquals("efs-sc", filesystems("overlays/cloud").getSpec().getStorageClassName());
        String guide = Project.read(Project.root().resolve("docs/operating.md"));
        Set<String> secrets = new TreeSet<>();
        for (String kustomization : rendered.keySet()) {
            for (Deployment deployment : deployments(kustomization)) {
                PodSpec pod = deployment.getSpec().getTemplate().getSpec();
                pod.getContainers().forEach(container -> Objects.requireNonNullElse(container.getEnv(),
                        List.<EnvVar> of()).stream()
                        .filter(env -> env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null)
                        .forEach(env -> secrets.add(env.getValueFrom().getSecretKeyRef().getName())));
                Objects.requireNonNullElse(pod.getVolumes(), List.<io.fabric8.kubernetes.api.model.Volume> of())
                        .stream().filter(volume -> volume.getSecret() != null)
                        .forEach(volume -> secrets.add(volume.getSecret().getSecretName()));
            }
        }
        assertFalse(secrets.isEmpty());
        for (String secret : secrets) {
            assertTrue(guide.contains(secret), "docs/operating.md says how to create the Secret " + secret);
        }
    }

    private static List<String> probes(String where, Container container, boolean spillway) {
        List<String> problems = new ArrayList<>();
        Probe liveness = container.getLivenessProbe();
        Probe readiness = container.getReadinessProbe();
        if (liveness == null || readiness == null) {
            problems.add(where + ": needs liveness and readiness probes");
        } else if (spillway && (liveness.getHttpGet() == null || readiness.getHttpGet() == null
                || !"/q/health/live".equals(liveness.getHttpGet().getPath())
                || !"/q/health/ready".equals(readiness.getHttpGet().getPath()))) {
            problems.add(where + ": probes on /q/health/live and /q/health/ready");
        } else if (spillway && (readiness.getTimeoutSeconds() == null || readiness.getTimeoutSeconds() < 5)) {
            // Readiness checks wait up to spillway.health.timeout (3s) on Kafka or S3; a shorter probe would say
            // "timeout" instead of which setting is wrong.
            problems.add(where + ": readiness probe needs timeoutSeconds of at least 5");
        }
        return problems;
    }

    /** The environment the container starts with: its ConfigMaps' entries, then its own variables (Secrets stubbed). */
    private Map<String, String> environment(String kustomization, Deployment deployment) {
        Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource source : Objects.requireNonNullElse(container.getEnvFrom(), List.<EnvFromSource> of())) {
            String name = source.getConfigMapRef().getName();
            ConfigMap map = objects(kustomization, ConfigMap.class).stream()
                    .filter(candidate -> candidate.getMetadata().getName().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError(kustomization + ": ConfigMap " + name + " is not deployed"));
            env.putAll(map.getData());
        }
        for (EnvVar variable : Objects.requireNonNullElse(container.getEnv(), List.<EnvVar> of())) {
            env.put(variable.getName(), variable.getValue() != null ? variable.getValue()
                    : "from-secret-" + variable.getValueFrom().getSecretKeyRef().getName());
        }
        return env;
    }

    private PersistentVolumeClaim filesystems(String kustomization) {
        return objects(kustomization, PersistentVolumeClaim.class).stream()
                .filter(claim -> claim.getMetadata().getName().equals("spillway-filesystems")).findFirst().orElseThrow();
    }

    private Map<String, Deployment> spillwayDeployments(String kustomization) {
        Map<String, Deployment> deployments = new LinkedHashMap<>();
        deployments(kustomization).stream().filter(d -> Project.SERVICES.contains(d.getMetadata().getName()))
                .forEach(d -> deployments.put(d.getMetadata().getName(), d));
        return deployments;
    }

    private List<Deployment> deployments(String kustomization) {
        return objects(kustomization, Deployment.class);
    }

    private Set<String> names(String kustomization, Class<? extends HasMetadata> kind) {
        return objects(kustomization, kind).stream().map(object -> object.getMetadata().getName())
                .collect(Collectors.toSet());
    }

    private <T extends HasMetadata> List<T> objects(String kustomization, Class<T> kind) {
        return rendered.get(kustomization).stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    private static boolean isEmpty(Object mapOrList) {
        return mapOrList == null || mapOrList instanceof Map<?, ?> map && map.isEmpty()
                || mapOrList instanceof List<?> list && list.isEmpty();
    }

    private static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
    }

    private static boolean selects(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        if (selector.getMatchLabels() != null && !labels.entrySet().containsAll(selector.getMatchLabels().entrySet())) {
            return false;
        }
        if (selector.getMatchExpressions() != null) {
            for (var expression : selector.getMatchExpressions()) {
                boolean in = expression.getValues().contains(labels.get(expression.getKey()));
                if (expression.getOperator().equals("In") != in) {
                    return false;
                }
            }
        }
        return true;
    }
}
