package io.spillway.scheduler.inventory;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.spillway.scheduler.domain.Gpu;
import io.spillway.scheduler.domain.Node;

/**
 * Reads the site's GPU nodes from the cluster: every node that is not cordoned and has {@code nvidia.com/gpu}
 * capacity, with the memory and product that NVIDIA GPU feature discovery writes into its labels.
 */
public final class KubernetesNodes {

    private static final Logger LOG = Logger.getLogger(KubernetesNodes.class);
    static final String GPU_RESOURCE = "nvidia.com/gpu";
    /** Memory of each GPU in MiB, as GPU feature discovery labels it. */
    static final String GPU_MEMORY_LABEL = "nvidia.com/gpu.memory";
    static final String GPU_PRODUCT_LABEL = "nvidia.com/gpu.product";

    private final String poolLabel;
    private final int defaultGpuMemoryMiB;

    /**
     * @param poolLabel the node label whose value is the node's pool
     * @param defaultGpuMemoryMiB the memory of each GPU of a node that has no (readable) memory label
     */
    public KubernetesNodes(String poolLabel, int defaultGpuMemoryMiB) {
        this.poolLabel = poolLabel;
        this.defaultGpuMemoryMiB = defaultGpuMemoryMiB;
    }

    /**
     * The GPU nodes of the cluster, sorted by name.
     *
     * @throws IllegalStateException when the cluster cannot be read, with the reason
     */
    public List<Node> read(KubernetesClient client) {
        List<io.fabric8.kubernetes.api.model.Node> nodes;
        try {
            nodes = client.nodes().list().getItems();
        } catch (KubernetesClientException e) {
            throw new IllegalStateException("cannot list the nodes of " + client.getMasterUrl() + " for the GPU "
                    + "inventory: " + (e.getStatus() != null && e.getStatus().getMessage() != null
                            ? e.getStatus().getMessage()
                            : e.getMessage()),
                    e);
        }
        List<Node> gpuNodes = nodes.stream()
                .filter(node -> !Boolean.TRUE.equals(node.getSpec() == null ? null : node.getSpec().getUnschedulable()))
                .map(this::toNode)
                .filter(Objects::nonNull)
                .sorted(Comparator.comparing(Node::name))
                .toList();
        if (gpuNodes.isEmpty()) {
            LOG.warnf("No schedulable node of %s has %s capacity: jobs will wait", client.getMasterUrl(), GPU_RESOURCE);
        }
        return gpuNodes;
    }

    /** The node with its GPUs, or {@code null} when it has none. */
    private Node toNode(io.fabric8.kubernetes.api.model.Node node) {
        String name = node.getMetadata().getName();
        int count = gpuCount(node);
        if (count <= 0) {
            return null;
        }
        Map<String, String> labels = Objects.requireNonNullElse(node.getMetadata().getLabels(), Map.of());
        int memoryMiB = memoryMiB(name, labels.get(GPU_MEMORY_LABEL));
        String model = labels.getOrDefault(GPU_PRODUCT_LABEL, "");
        String pool = labels.getOrDefault(poolLabel, "default");
        List<Gpu> gpus = IntStream.range(0, count).mapToObj(i -> new Gpu(String.valueOf(i), memoryMiB, model)).toList();
        return new Node(name, pool, gpus);
    }

    /** Allocatable GPUs when the node reports them (the device plugin leaves unhealthy ones out), else its capacity. */
    private static int gpuCount(io.fabric8.kubernetes.api.model.Node node) {
        if (node.getStatus() == null) {
            return 0;
        }
        Quantity allocatable = node.getStatus().getAllocatable() == null ? null
                : node.getStatus().getAllocatable().get(GPU_RESOURCE);
        Quantity capacity = node.getStatus().getCapacity() == null ? null
                : node.getStatus().getCapacity().get(GPU_RESOURCE);
        if (capacity == null || capacity.getNumericalAmount().signum() <= 0) {
            return 0;
        }
        return (allocatable != null ? allocatable : capacity).getNumericalAmount().intValue();
    }

    private int memoryMiB(String node, String label) {
        if (label == null) {
            return defaultGpuMemoryMiB;
        }
        try {
            int memory = Integer.parseInt(label.trim());
            if (memory > 0) {
                return memory;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        LOG.warnf("Node %s has label %s=%s, not a number of MiB; its GPUs are taken to have %d MiB", node,
                GPU_MEMORY_LABEL, label, defaultGpuMemoryMiB);
        return defaultGpuMemoryMiB;
    }
}
