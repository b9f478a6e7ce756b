package io.spillway.scheduler.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One scheduling pass over a {@link SiteSnapshot}: the working view of GPU use that actions read and change, and
 * the statement of decisions they record. Nothing leaves the session until the pass returns its result, so an
 * action can try placements freely; adapters commit the result.
 */
public final class SchedulingSession {

    private final SiteSnapshot snapshot;
    private final int maxJobsPerGpu;
    private final List<PendingJob> queue;
    /** Every GPU of the site by node name, then by GPU id, in inventory order. */
    private final Map<String, Map<String, GpuUse>> use = new LinkedHashMap<>();
    private final List<Allocation> allocations = new ArrayList<>();
    private final Map<String, String> waiting = new LinkedHashMap<>();

    SchedulingSession(SiteSnapshot snapshot, int maxJobsPerGpu) {
        this.snapshot = snapshot;
        this.maxJobsPerGpu = maxJobsPerGpu;
        // Stable sort: jobs submitted at the same instant keep the order the snapshot gave them.
        this.queue = snapshot.pending().stream().sorted(Comparator.comparing(PendingJob::submittedAt)).toList();
        for (Node node : snapshot.nodes()) {
            Map<String, GpuUse> gpus = new LinkedHashMap<>();
            for (Gpu gpu : node.gpus()) {
                gpus.put(gpu.id(), new GpuUse(node, gpu));
            }
            use.put(node.name(), gpus);
        }
        for (Allocation held : snapshot.allocations()) {
            apply(held);
        }
    }

    /** The pending jobs in the order they are served: by submit time. */
    public List<PendingJob> queue() {
        return queue;
    }

    public List<Node> nodes() {
        return snapshot.nodes();
    }

    /** The nodes {@code job} may run on: those of its pool, or every node. */
    public List<Node> nodesFor(PendingJob job) {
        return snapshot.nodes().stream()
                .filter(node -> job.nodePool() == null || job.nodePool().equals(node.pool()))
                .toList();
    }

    /** The GPUs of {@code node} with what this pass has placed on them so far. */
    public List<GpuUse> gpus(Node node) {
        return List.copyOf(use.getOrDefault(node.name(), Map.of()).values());
    }

    public int maxJobsPerGpu() {
        return maxJobsPerGpu;
    }

    /** Records an allocation and counts its GPUs as held for the rest of the pass. */
    public void allocate(Allocation allocation) {
        apply(allocation);
        allocations.add(allocation);
        waiting.remove(allocation.jobId());
    }

    /** Records that {@code job} keeps waiting, and why, in words its owner understands. */
    public void keepWaiting(PendingJob job, String reason) {
        waiting.put(job.jobId(), reason);
    }

    SchedulingResult result() {
        return new SchedulingResult(allocations, waiting);
    }

    private void apply(Allocation allocation) {
        Map<String, GpuUse> gpus = use.getOrDefault(allocation.node(), Map.of());
        for (String gpuId : allocation.gpuIds()) {
            GpuUse gpu = gpus.get(gpuId);
            // A GPU that left the inventory (a node reconfigured away) holds nothing we could place on.
            if (gpu != null) {
                gpu.hold(allocation.fraction());
            }
        }
    }
}
