package io.spillway.deploy;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;

/**
 * The objects a kustomization of deploy/ renders ({@code kubectl kustomize}), each loaded into its typed model:
 * Kubernetes kinds through fabric8's, Strimzi's through Strimzi's own. A field the model does not know (a typo, a
 * field of another API version) is an error, not a silently dropped line.
 */
final class Manifests {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    private static final Map<String, Class<? extends HasMetadata>> STRIMZI_KINDS = Map.of(
            "Kafka", Kafka.class, "KafkaNodePool", KafkaNodePool.class, "KafkaTopic", KafkaTopic.class,
            "KafkaUser", KafkaUser.class);

    private Manifests() {
    }

    /** Every directory of deploy/ with a kustomization.yaml that renders on its own (components do not). */
    static List<Path> kustomizations() throws IOException {
        Path deploy = Project.root().resolve("deploy");
        try (Stream<Path> files = Files.walk(deploy)) {
            return files.filter(file -> file.getFileName().toString().equals("kustomization.yaml"))
                    .filter(file -> !Project.read(file).contains("kind: Component"))
                    .map(Path::getParent).sorted().toList();
        }
    }

    /** {@code kubectl kustomize dir}, loaded; fails with kubectl's message when it does not render. */
    static List<HasMetadata> render(Path kustomization) throws IOException, InterruptedException {
        Process kubectl;
        try {
            kubectl = new ProcessBuilder("kubectl", "kustomize", kustomization.toString()).redirectErrorStream(false)
                    .start();
        } catch (IOException e) {
            throw new AssertionError("kubectl is needed to render deploy/ (kustomize 5.5 is built in): "
                    + "`apt-get install kubectl`, as .ci/run does", e);
        }
        byte[] out = kubectl.getInputStream().readAllBytes();
        String err = new String(kubectl.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!kubectl.waitFor(60, TimeUnit.SECONDS) || kubectl.exitValue() != 0) {
            throw new AssertionError("kubectl kustomize " + kustomization + " failed: " + err);
        }
        List<HasMetadata> objects = new ArrayList<>();
        for (Object document : new Yaml(new LoaderOptions()).loadAll(new String(out, StandardCharsets.UTF_8))) {
            if (document != null) {
                objects.add(load(document, kustomization));
            }
        }
        return objects;
    }

    @SuppressWarnings("unchecked")
    private static HasMetadata load(Object document, Path kustomization) throws IOException {
        Map<String, Object> map = (Map<String, Object>) document;
        String kind = String.valueOf(map.get("kind"));
        String apiVersion = String.valueOf(map.get("apiVersion"));
        String json = JSON.writeValueAsString(map);
        HasMetadata object;
        if (apiVersion.startsWith("kafka.strimzi.io/")) {
            Class<? extends HasMetadata> type = STRIMZI_KINDS.get(kind);
            if (type == null) {
                throw new AssertionError(kustomization + ": no Strimzi model for " + kind);
            }
            object = JSON.readValue(json, type);
            // Strimzi's classes report the version they are stored as; the manifests must use the current API.
            if (!apiVersion.equals("kafka.strimzi.io/v1")) {
                throw new AssertionError(kustomization + ": " + kind + " uses " + apiVersion + ", not kafka.strimzi.io/v1");
            }
        } else {
            object = Serialization.unmarshal(json);
        }
        if (object instanceof GenericKubernetesResource) {
            throw new AssertionError(kustomization + ": " + apiVersion + " " + kind + " is not a known kind");
        }
        if (!(object instanceof CustomResource<?, ?>) && !apiVersion.equals(object.getApiVersion())) {
            throw new AssertionError(kustomization + ": " + kind + " " + object.getMetadata().getName()
                    + " loaded as " + object.getApiVersion() + ", written as " + apiVersion);
        }
        List<String> unknown = new ArrayList<>();
        unknownFields(object, kind + "/" + object.getMetadata().getName(), unknown);
        if (!unknown.isEmpty()) {
            throw new AssertionError(kustomization + ": fields the " + apiVersion + " model does not know: " + unknown);
        }
        return object;
    }

    /**
     * fabric8's and Strimzi's models keep fields they do not know in {@code additionalProperties} rather than failing:
     * walk the object and report every such field with its path.
     */
    static void unknownFields(Object value, String path, List<String> unknown) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean
                || value instanceof Enum<?>) {
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, entry) -> unknownFields(entry, path + "." + key, unknown));
            return;
        }
        if (value instanceof Collection<?> collection) {
            int i = 0;
            for (Object entry : collection) {
                unknownFields(entry, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        String type = value.getClass().getName();
        if (!type.startsWith("io.fabric8.") && !type.startsWith("io.strimzi.")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || getter.getDeclaringClass() == Object.class
                    || !(getter.getName().startsWith("get") || getter.getName().startsWith("is"))) {
                continue;
            }
            Object property;
            try {
                property = getter.invoke(value);
            } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (property instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    extra.keySet().forEach(key -> unknown.add(path + "." + key));
                }
                continue;
            }
            unknownFields(property, path + "." + getter.getName().replaceFirst("^(get|is)", ""), unknown);
        }
    }
}
