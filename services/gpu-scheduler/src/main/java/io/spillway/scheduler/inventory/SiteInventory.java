package io.spillway.scheduler.inventory;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.Startup;
import io.spillway.scheduler.config.SchedulerConfig;
import io.spillway.scheduler.config.SchedulerConfig.InventorySource;
import io.spillway.scheduler.config.SchedulerConfig.NodeConfig;
import io.spillway.scheduler.domain.Gpu;
import io.spillway.scheduler.domain.Node;

/**
 * The nodes and GPUs this site schedules on, read once at start: from {@code nvidia-smi}, from configuration, or from
 * the Kubernetes cluster's nodes.
 */
// Built at start-up on the main thread: running nvidia-smi or listing nodes must not happen on an event loop.
@Startup
@ApplicationScoped
public class SiteInventory {

    private static final Logger LOG = Logger.getLogger(SiteInventory.class);
    static final String DEFAULT_NODE = "local-0";
    static final int DEFAULT_NODE_GPUS = 2;
    static final int DEFAULT_GPU_MEMORY_MIB = 81920;

    private final List<Node> nodes;
    private final String source;

    public SiteInventory(SchedulerConfig config, Instance<KubernetesClient> kubernetes) {
        Optional<List<Gpu>> local = config.inventory() == InventorySource.AUTO ? readNvidiaSmi(config.nvidiaSmi())
                : Optional.empty();
        if (config.inventory() == InventorySource.KUBERNETES) {
            // Looked up only here, so other inventories never create a Kubernetes client.
            nodes = new KubernetesNodes(config.kubernetes().poolLabel(), config.kubernetes().gpuMemoryMib())
                    .read(kubernetes.get());
            source = "kubernetes";
        } else if (local.isPresent()) {
            nodes = List.of(new Node(config.localNode(), "default", local.get()));
            source = "nvidia-smi";
        } else {
            nodes = fromConfig(config.nodes());
            source = "configuration";
        }
        LOG.infof("GPU inventory from %s: %s", source, nodes);
    }

    public List<Node> nodes() {
        return nodes;
    }

    /** {@code nvidia-smi}, {@code configuration} or {@code kubernetes}. */
    public String source() {
        return source;
    }

    static List<Node> fromConfig(Map<String, NodeConfig> configured) {
        if (configured.isEmpty()) {
            return List.of(new Node(DEFAULT_NODE, "default", gpus(DEFAULT_NODE_GPUS, DEFAULT_GPU_MEMORY_MIB)));
        }
        List<Node> nodes = new ArrayList<>();
        // Sorted by name, so the same configuration always yields the same placement order.
        new TreeMap<>(configured).forEach((name, node) -> nodes.add(new Node(name, node.pool(),
                gpus(node.gpus(), node.gpuMemoryMib()))));
        return nodes;
    }

    private static List<Gpu> gpus(int count, int memoryMiB) {
        return IntStream.range(0, count).mapToObj(i -> new Gpu(String.valueOf(i), memoryMiB, "")).toList();
    }

    /** The local GPUs, or empty when nvidia-smi is absent, fails or sees none, in which case configuration rules. */
    static Optional<List<Gpu>> readNvidiaSmi(String command) {
        Optional<Path> executable = onPath(command);
        if (executable.isEmpty()) {
            LOG.debugf("%s is not on the PATH; the GPU inventory comes from configuration", command);
            return Optional.empty();
        }
        try {
            List<String> argv = new ArrayList<>();
            argv.add(executable.get().toString());
            argv.addAll(NvidiaSmi.QUERY);
            Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                LOG.warnf("%s failed (%s); the GPU inventory comes from configuration", command, output.trim());
                return Optional.empty();
            }
            List<Gpu> gpus = NvidiaSmi.parse(output);
            return gpus.isEmpty() ? Optional.empty() : Optional.of(gpus);
        } catch (IOException | IllegalArgumentException e) {
            LOG.warnf("Cannot read GPUs with %s (%s); the GPU inventory comes from configuration", command,
                    e.getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static Optional<Path> onPath(String command) {
        if (command.contains(File.separator)) {
            Path path = Path.of(command);
            return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
