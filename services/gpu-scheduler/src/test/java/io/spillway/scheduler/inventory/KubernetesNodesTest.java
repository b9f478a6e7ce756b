package io.spillway.scheduler.inventory;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.spillway.scheduler.KubernetesRequestLog;
import io.spillway.scheduler.domain.Gpu;
import io.spillway.scheduler.domain.Node;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The GPU inventory read from the nodes of fabric8's mock API server, as GPU feature discovery labels them. The nodes
 * are created through {@link #cluster}, so {@link KubernetesRequestLog} records only what the inventory reads.
 */
@EnableKubernetesMockClient(crud = true)
@ExtendWith(KubernetesRequestLog.class)
class KubernetesNodesTest {

    KubernetesMockServer server;
    /** The inventory's client. */
    KubernetesClient client;
    /** The test's own client, as an administrator. */
    KubernetesClient cluster;

    @BeforeEach
    void fixtureClient() {
        cluster = KubernetesRequestLog.fixtureClient(server);
    }

    @AfterEach
    void closeFixtureClient() {
        cluster.close();
    }

    @Test
    void readsTheSchedulableGpuNodesWithTheirPoolsAndLeavesTheOthersOut() {
        node("gpu-b", Map.of("spillway.io/pool", "train", "nvidia.com/gpu.memory", "81559",
                "nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3"), "4", "4", false);
        // One GPU of gpu-a is unhealthy: the device plugin leaves it out of allocatable.
        node("gpu-a", Map.of("nvidia.com/gpu.product", "NVIDIA-A100-SXM4-40GB"), "8", "7", false);
        node("gpu-cordoned", Map.of("spillway.io/pool", "train"), "8", "8", true);
        node("cpu-only", Map.of("spillway.io/pool", "train"), null, null, false);

        List<Node> nodes = new KubernetesNodes("spillway.io/pool", 40960).read(client);

        assertEquals(List.of(
                new Node("gpu-a", "default", gpus(7, 40960, "NVIDIA-A100-SXM4-40GB")),
                new Node("gpu-b", "train", gpus(4, 81559, "NVIDIA-H100-80GB-HBM3"))), nodes);
    }

    @Test
    void takesThePoolFromTheConfiguredLabelAndTheDefaultMemoryForAnUnreadableLabel() {
        node("gpu-x", Map.of("example.com/pool", "infer", "nvidia.com/gpu.memory", "lots"), "2", null, false);

        List<Node> nodes = new KubernetesNodes("example.com/pool", 24576).read(client);

        assertEquals(List.of(new Node("gpu-x", "infer", gpus(2, 24576, ""))), nodes);
    }

    private void node(String name, Map<String, String> labels, String capacity, String allocatable,
            boolean cordoned) {
        NodeBuilder node = new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .withNewSpec().withUnschedulable(cordoned).endSpec()
                .withNewStatus()
                .addToCapacity("cpu", new Quantity("64"))
                .addToAllocatable("cpu", new Quantity("63"))
                .endStatus();
        if (capacity != null) {
            node.editStatus().addToCapacity("nvidia.com/gpu", new Quantity(capacity)).endStatus();
        }
        if (allocatable != null) {
            node.editStatus().addToAllocatable("nvidia.com/gpu", new Quantity(allocatable)).endStatus();
        }
        cluster.nodes().resource(node.build()).create();
    }

    private static List<Gpu> gpus(int count, int memoryMiB, String model) {
        return java.util.stream.IntStream.range(0, count).mapToObj(i -> new Gpu(String.valueOf(i), memoryMiB, model))
                .toList();
    }
}
