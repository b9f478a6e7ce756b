package io.spillway.scheduler.domain;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One scheduling pass over a {@link SiteSnapshot}: the working view of GPU use and project usage that actions read
 * and change, and the statement of decisions they record. Nothing leaves the session until the pass returns its
 * result, so an action can try placements (and undo them) freely; adapters commit the result.
 *
 * <p>
 * GPUs are indexed per node pool, by idle GPUs per node (whole-GPU jobs) and by free share per GPU (shared jobs),
 * so a placement costs a logarithm of the site's size rather than a scan of it.
 */
public final class SchedulingSession {

    private final int maxJobsPerGpu;
    private final List<Node> nodes;
    private final Map<String, NodeUse> nodeUse = new HashMap<>();
    private final Map<String, PoolIndex> pools = new LinkedHashMap<>();
    private final Map<String, ProjectQuota> quotas = new HashMap<>();
    /** GPUs held per project: site-wide under the key {@code project}, per pool under {@code project + "\0" + pool}. */
    private final Map<String, ProjectUsage> usage = new HashMap<>();
    private final List<RunningJob> running;
    private final List<PendingJob> queue;
    private final List<Allocation> allocations = new ArrayList<>();
    private final List<Preemption> preemptions = new ArrayList<>();
    private final Map<String, Wait> waiting = new LinkedHashMap<>();
    /** Waiting jobs that are entitled to GPUs now (within their quota): reclaim and preemption work for them. */
    private final List<PendingJob> entitled = new ArrayList<>();

    SchedulingSession(SiteSnapshot snapshot, int maxJobsPerGpu) {
        this.maxJobsPerGpu = maxJobsPerGpu;
        this.nodes = snapshot.nodes();
        for (ProjectQuota quota : snapshot.projects()) {
            quotas.put(quota.name(), quota);
        }
        for (Node node : nodes) {
            NodeUse use = new NodeUse(node);
            nodeUse.put(node.name(), use);
            pools.computeIfAbsent(node.pool(), PoolIndex::new).add(use);
        }
        pools.values().forEach(pool -> pool.nodes.forEach(this::index));
        this.running = snapshot.running();
        for (RunningJob job : running) {
            job.allocations().forEach(this::hold);
            count(job.project(), job.priority(), job.allocations(), 1);
        }
        // Served by class (inference first), then by submit time; a stable sort keeps the snapshot's order among
        // equals, so a pass is deterministic.
        this.queue = snapshot.pending().stream()
                .sorted(Comparator.comparingInt((PendingJob job) -> -job.priority().rank())
                        .thenComparing(PendingJob::submittedAt))
                .toList();
    }

    /** The pending jobs in the order they are served: by class, then by submit time. */
    public List<PendingJob> queue() {
        return queue;
    }

    public List<Node> nodes() {
        return nodes;
    }

    public List<RunningJob> running() {
        return running;
    }

    public int maxJobsPerGpu() {
        return maxJobsPerGpu;
    }

    /** The nodes {@code job} may run on: those of its pool, or every node. */
    public List<Node> nodesFor(PendingJob job) {
        return poolsFor(job).stream().flatMap(pool -> pool.nodes.stream().map(use -> use.node)).toList();
    }

    /** The GPUs of {@code node} with what this pass has placed on them so far. */
    public List<GpuUse> gpus(Node node) {
        NodeUse use = nodeUse.get(node.name());
        return use == null ? List.of() : List.of(use.gpus);
    }

    public ProjectQuota quota(String project) {
        return quotas.computeIfAbsent(project, ProjectQuota::unknown);
    }

    /** GPUs the project holds now, this pass's allocations included. */
    public ProjectUsage usage(String project) {
        return usageOf(project);
    }

    /** GPUs the project holds in {@code pool}, or site-wide when {@code pool} is {@code null}. */
    public ProjectUsage usage(String project, String pool) {
        return pool == null ? usageOf(project) : usage.computeIfAbsent(project + "\0" + pool, key -> new ProjectUsage());
    }

    /** What a job will hold once placed, counting a GPU-memory request against the largest GPU it may get. */
    public double demand(PendingJob job) {
        GpuRequest request = job.request();
        double perWorker;
        if (request instanceof GpuRequest.Whole whole) {
            perWorker = whole.count();
        } else if (request instanceof GpuRequest.Shared shared) {
            perWorker = shared.fraction();
        } else {
            int largest = poolsFor(job).stream().mapToInt(pool -> pool.largestGpuMemoryMiB).max().orElse(0);
            perWorker = largest == 0 ? 1 : Math.min(1, (double) ((GpuRequest.Memory) request).memoryMiB() / largest);
        }
        return perWorker * job.workers();
    }

    /**
     * Places every worker of {@code job} where it fits best, all or none; empty, with nothing held, when one
     * worker does not fit.
     */
    public Optional<List<Allocation>> place(PendingJob job) {
        List<Allocation> placed = new ArrayList<>();
        for (int worker = 0; worker < job.workers(); worker++) {
            Optional<Allocation> allocation = placeOne(job);
            if (allocation.isEmpty()) {
                placed.forEach(this::release);
                return Optional.empty();
            }
            hold(allocation.get());
            placed.add(allocation.get());
        }
        return Optional.of(placed);
    }

    /** Records the allocations of a job {@link #place} found, and counts them for its project. */
    public void allocate(PendingJob job, List<Allocation> placed) {
        allocations.addAll(placed);
        count(job.project(), job.priority(), placed, 1);
        waiting.remove(job.jobId());
    }

    /** Adds (sign 1) or takes away (sign -1) allocations from a project's use, site-wide and in each node's pool. */
    private void count(String project, Priority priority, List<Allocation> allocations, int sign) {
        for (Allocation allocation : allocations) {
            double gpus = sign * allocation.gpuIds().size() * allocation.fraction();
            usageOf(project).add(gpus, priority);
            NodeUse node = nodeUse.get(allocation.node());
            if (node != null) {
                usage(project, node.node.pool()).add(gpus, priority);
            }
        }
    }

    /** Records that {@code job} keeps waiting, and why. */
    public void keepWaiting(PendingJob job, Wait wait) {
        waiting.put(job.jobId(), wait);
    }

    /** Records that {@code job} waits although it is entitled to GPUs now, so reclaim may free some for it. */
    public void keepWaitingEntitled(PendingJob job, Wait wait) {
        keepWaiting(job, wait);
        entitled.add(job);
    }

    public List<PendingJob> entitled() {
        return entitled;
    }

    public Wait waitOf(String jobId) {
        return waiting.get(jobId);
    }

    /** Records a preemption; the victim keeps its GPUs in this pass (its processes still run). */
    public void preempt(RunningJob victim, PendingJob forJob, String reason) {
        preemptions.add(new Preemption(victim.jobId(), victim.project(), forJob.jobId(), reason));
        count(victim.project(), victim.priority(), victim.allocations(), -1);
    }

    SchedulingResult result() {
        return new SchedulingResult(allocations, preemptions, waiting);
    }

    /** Holds an allocation's GPUs, as running or as just placed. */
    void hold(Allocation allocation) {
        change(allocation, true);
    }

    /** Gives an allocation's GPUs back within the pass: undoing a partial gang, or trying what a reclaim would free. */
    void release(Allocation allocation) {
        change(allocation, false);
    }

    private void change(Allocation allocation, boolean hold) {
        NodeUse node = nodeUse.get(allocation.node());
        // A node or GPU that left the inventory (reconfigured away) holds nothing we could place on.
        if (node == null) {
            return;
        }
        unindex(node);
        for (String gpuId : allocation.gpuIds()) {
            GpuUse gpu = node.byId.get(gpuId);
            if (gpu == null) {
                continue;
            }
            if (hold) {
                gpu.hold(allocation.fraction());
            } else {
                gpu.release(allocation.fraction());
            }
        }
        index(node);
    }

    /** Whether one worker of {@code request} fits on {@code node} as it is now. */
    boolean fitsOn(Node node, GpuRequest request) {
        NodeUse use = nodeUse.get(node.name());
        if (use == null) {
            return false;
        }
        if (request instanceof GpuRequest.Whole whole) {
            return use.idle >= whole.count();
        }
        for (GpuUse gpu : use.gpus) {
            double share = shareOf(request, gpu);
            if (share <= 1 && gpu.fits(share, maxJobsPerGpu)) {
                return true;
            }
        }
        return false;
    }

    /** The most idle GPUs on one node, and that node, among the pools {@code job} may use. */
    Optional<Node> freestNode(PendingJob job) {
        NodeUse best = null;
        for (PoolIndex pool : poolsFor(job)) {
            Map.Entry<Integer, LinkedHashSet<NodeUse>> most = pool.byIdle.lastEntry();
            if (most != null && (best == null || most.getKey() > best.idle)) {
                best = most.getValue().iterator().next();
            }
        }
        return Optional.ofNullable(best).map(use -> use.node);
    }

    int idleOn(Node node) {
        NodeUse use = nodeUse.get(node.name());
        return use == null ? 0 : use.idle;
    }

    /** The largest free share of one GPU (below the per-GPU job limit) among the pools {@code job} may use. */
    double largestFreeShare(PendingJob job) {
        int best = 0;
        for (PoolIndex pool : poolsFor(job)) {
            Integer most = pool.byFree.isEmpty() ? null : pool.byFree.lastKey();
            if (most != null && most > best) {
                best = most;
            }
        }
        return (double) best / GpuUse.UNITS;
    }

    int largestNode(PendingJob job) {
        return poolsFor(job).stream().mapToInt(pool -> pool.largestNode).max().orElse(0);
    }

    Collection<PoolIndex> poolsFor(PendingJob job) {
        if (job.nodePool() == null) {
            return pools.values();
        }
        PoolIndex pool = pools.get(job.nodePool());
        return pool == null ? List.of() : List.of(pool);
    }

    private Optional<Allocation> placeOne(PendingJob job) {
        GpuRequest request = job.request();
        if (request instanceof GpuRequest.Whole whole) {
            return placeWhole(job, whole.count());
        }
        if (request instanceof GpuRequest.Shared shared) {
            return placeShare(job, shared.fraction());
        }
        return placeMemory(job);
    }

    /** On the node with the fewest idle GPUs that still has enough, so larger free nodes stay free. */
    private Optional<Allocation> placeWhole(PendingJob job, int count) {
        NodeUse best = null;
        for (PoolIndex pool : poolsFor(job)) {
            Map.Entry<Integer, LinkedHashSet<NodeUse>> fit = pool.byIdle.ceilingEntry(count);
            if (fit != null && (best == null || fit.getKey() < best.idle)) {
                best = fit.getValue().iterator().next();
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        List<String> ids = new ArrayList<>(count);
        for (GpuUse gpu : best.gpus) {
            if (gpu.idle()) {
                ids.add(gpu.gpu().id());
                if (ids.size() == count) {
                    break;
                }
            }
        }
        return Optional.of(new Allocation(job.jobId(), best.node.name(), ids, 1.0));
    }

    /** On the fullest GPU it still fits on (best fit), so whole GPUs stay free for whole-GPU jobs. */
    private Optional<Allocation> placeShare(PendingJob job, double fraction) {
        int units = GpuUse.units(fraction);
        GpuUse best = null;
        for (PoolIndex pool : poolsFor(job)) {
            Map.Entry<Integer, LinkedHashSet<GpuUse>> fit = pool.byFree.ceilingEntry(units);
            if (fit != null && (best == null || fit.getKey() < best.freeUnits())) {
                best = fit.getValue().iterator().next();
            }
        }
        if (best == null || !best.fits(fraction, maxJobsPerGpu)) {
            return Optional.empty();
        }
        return Optional.of(new Allocation(job.jobId(), best.node().name(), List.of(best.gpu().id()), fraction));
    }

    /** A memory request is a share that depends on the GPU's memory: best fit over every GPU it may use. */
    private Optional<Allocation> placeMemory(PendingJob job) {
        GpuUse best = null;
        double bestShare = 0;
        for (PoolIndex pool : poolsFor(job)) {
            for (NodeUse node : pool.nodes) {
                for (GpuUse gpu : node.gpus) {
                    double share = shareOf(job.request(), gpu);
                    if (share <= 1 && gpu.fits(share, maxJobsPerGpu)
                            && (best == null || gpu.free() - share < best.free() - bestShare)) {
                        best = gpu;
                        bestShare = share;
                    }
                }
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        return Optional.of(new Allocation(job.jobId(), best.node().name(), List.of(best.gpu().id()), bestShare));
    }

    private static double shareOf(GpuRequest request, GpuUse gpu) {
        if (request instanceof GpuRequest.Shared shared) {
            return shared.fraction();
        }
        if (request instanceof GpuRequest.Memory memory) {
            return gpu.gpu().memoryMiB() <= 0 ? 2 : (double) memory.memoryMiB() / gpu.gpu().memoryMiB();
        }
        return ((GpuRequest.Whole) request).count() == 1 && gpu.idle() ? 1 : 2;
    }

    private ProjectUsage usageOf(String project) {
        return usage.computeIfAbsent(project, name -> new ProjectUsage());
    }

    private void unindex(NodeUse node) {
        PoolIndex pool = pools.get(node.node.pool());
        removeFrom(pool.byIdle, node.idle, node);
        for (GpuUse gpu : node.gpus) {
            removeFrom(pool.byFree, gpu.freeUnits(), gpu);
        }
    }

    private void index(NodeUse node) {
        PoolIndex pool = pools.get(node.node.pool());
        int idle = 0;
        for (GpuUse gpu : node.gpus) {
            if (gpu.idle()) {
                idle++;
            }
            if (gpu.jobs() < maxJobsPerGpu && gpu.freeUnits() > 0) {
                pool.byFree.computeIfAbsent(gpu.freeUnits(), key -> new LinkedHashSet<>()).add(gpu);
            }
        }
        node.idle = idle;
        if (idle > 0) {
            pool.byIdle.computeIfAbsent(idle, key -> new LinkedHashSet<>()).add(node);
        }
    }

    private static <T> void removeFrom(TreeMap<Integer, LinkedHashSet<T>> index, int key, T value) {
        LinkedHashSet<T> bucket = index.get(key);
        if (bucket != null && bucket.remove(value) && bucket.isEmpty()) {
            index.remove(key);
        }
    }

    /** GPUs a project holds: in all, and in jobs that may not be preempted (the part its quota must cover). */
    public static final class ProjectUsage {
        private double gpus;
        private double nonPreemptibleGpus;

        public double gpus() {
            return gpus;
        }

        public double nonPreemptibleGpus() {
            return nonPreemptibleGpus;
        }

        void add(double amount, Priority priority) {
            gpus += amount;
            if (!priority.preemptible()) {
                nonPreemptibleGpus += amount;
            }
        }

    }

    private static final class NodeUse {
        final Node node;
        final GpuUse[] gpus;
        final Map<String, GpuUse> byId = new HashMap<>();
        int idle;

        NodeUse(Node node) {
            this.node = node;
            this.gpus = new GpuUse[node.gpus().size()];
            for (int i = 0; i < gpus.length; i++) {
                gpus[i] = new GpuUse(node, node.gpus().get(i));
                byId.put(gpus[i].gpu().id(), gpus[i]);
            }
        }
    }

    /** One node pool's nodes and its two indexes. */
    static final class PoolIndex {
        final String name;
        final List<NodeUse> nodes = new ArrayList<>();
        final TreeMap<Integer, LinkedHashSet<NodeUse>> byIdle = new TreeMap<>();
        final TreeMap<Integer, LinkedHashSet<GpuUse>> byFree = new TreeMap<>();
        int largestNode;
        int largestGpuMemoryMiB;

        PoolIndex(String name) {
            this.name = name;
        }

        void add(NodeUse node) {
            nodes.add(node);
            largestNode = Math.max(largestNode, node.gpus.length);
            for (GpuUse gpu : node.gpus) {
                largestGpuMemoryMiB = Math.max(largestGpuMemoryMiB, gpu.gpu().memoryMiB());
            }
        }
    }
}
