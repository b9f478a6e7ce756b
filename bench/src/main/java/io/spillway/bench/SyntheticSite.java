package io.spillway.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import io.spillway.scheduler.domain.Allocation;
import io.spillway.scheduler.domain.Gpu;
import io.spillway.scheduler.domain.GpuRequest;
import io.spillway.scheduler.domain.Node;
import io.spillway.scheduler.domain.PendingJob;
import io.spillway.scheduler.domain.Priority;
import io.spillway.scheduler.domain.ProjectQuota;
import io.spillway.scheduler.domain.RunningJob;
import io.spillway.scheduler.domain.SiteSnapshot;

/**
 * A busy site for the scheduler benchmark, the same for the same seed: half its GPUs held, projects above and below
 * their deserved shares, and a queue of whole-GPU jobs, shares, gangs and memory requests that is far larger than
 * what is free, so a pass places some jobs, reclaims for others and explains why the rest wait.
 */
public final class SyntheticSite {

    public static final int GPUS_PER_NODE = 8;
    public static final int GPU_MEMORY_MIB = 81920;
    public static final int PROJECTS = 100;
    public static final List<String> POOLS = List.of("pool-a", "pool-b");
    /** The deserved shares add up to this part of the site's GPUs, so idle GPUs are left to share over quota. */
    static final double DESERVED_PART = 0.8;
    /** Running jobs hold this part of the site's GPUs. */
    static final double RUNNING_PART = 0.5;

    private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
    private static final int[] WHOLE_COUNTS = { 1, 1, 1, 1, 2, 2, 2, 4, 4, 8 };

    private final Random random;
    private final List<Node> nodes = new ArrayList<>();
    private final List<ProjectQuota> projects = new ArrayList<>();
    private final List<RunningJob> running = new ArrayList<>();
    private final List<PendingJob> pending = new ArrayList<>();
    /** Share of each GPU held, and how many jobs hold it, as the running jobs are laid out. */
    private final double[][] used;
    private final int[][] jobsOn;

    private SyntheticSite(int nodeCount, long seed) {
        this.random = new Random(seed);
        this.used = new double[nodeCount][GPUS_PER_NODE];
        this.jobsOn = new int[nodeCount][GPUS_PER_NODE];
    }

    /**
     * {@code nodeCount} nodes of {@link #GPUS_PER_NODE} GPUs in two pools, {@link #PROJECTS} projects, running jobs
     * on about half the GPUs and {@code waitingCount} waiting jobs.
     */
    public static SiteSnapshot generate(int nodeCount, int waitingCount, long seed) {
        if (nodeCount < 1 || waitingCount < 0) {
            throw new IllegalArgumentException("a site needs at least 1 node and no negative queue, not nodes="
                    + nodeCount + ", waiting=" + waitingCount);
        }
        SyntheticSite site = new SyntheticSite(nodeCount, seed);
        site.addNodes(nodeCount);
        double[] runningTarget = site.addProjects(nodeCount * GPUS_PER_NODE);
        site.addRunning(nodeCount * GPUS_PER_NODE * RUNNING_PART, runningTarget);
        site.addPending(waitingCount);
        return new SiteSnapshot(site.nodes, site.running, site.pending, site.projects);
    }

    private void addNodes(int count) {
        List<Gpu> gpus = IntStream.range(0, GPUS_PER_NODE)
                .mapToObj(i -> new Gpu(String.valueOf(i), GPU_MEMORY_MIB, "benchmark GPU")).toList();
        for (int i = 0; i < count; i++) {
            // Three nodes in five in the first pool: pools of unequal size, as sites grow them.
            String pool = i % 5 < 3 ? POOLS.get(0) : POOLS.get(1);
            nodes.add(new Node(String.format("node-%05d", i), pool, gpus));
        }
    }

    /** Projects with deserved shares, weights 1–4 and a limit on every fifth; returns what each should hold. */
    private double[] addProjects(int siteGpus) {
        double[] size = new double[PROJECTS];
        double sizes = 0;
        for (int i = 0; i < PROJECTS; i++) {
            size[i] = 0.5 + random.nextDouble();
            sizes += size[i];
        }
        double[] target = new double[PROJECTS];
        double targets = 0;
        for (int i = 0; i < PROJECTS; i++) {
            double deserved = Math.floor(siteGpus * DESERVED_PART * size[i] / sizes);
            Double limit = i % 5 == 0 ? Math.ceil(deserved * 1.5) + GPUS_PER_NODE : null;
            projects.add(new ProjectQuota(project(i), deserved, 1 + random.nextInt(4), limit, "dept-" + i % 10));
            // Between a tenth and one and a half of its share before scaling: some projects are entitled to more
            // (reclaim works for them), others are over quota (they are the victims).
            target[i] = deserved * (0.1 + 1.4 * random.nextDouble());
            targets += target[i];
        }
        double scale = siteGpus * RUNNING_PART / targets;
        for (int i = 0; i < PROJECTS; i++) {
            target[i] *= scale;
        }
        return target;
    }

    private void addRunning(double gpusToHold, double[] target) {
        double[] held = new double[PROJECTS];
        double total = 0;
        int misses = 0;
        while (total < gpusToHold && misses < 1000) {
            int project = neediest(target, held);
            Priority priority = priority();
            double roll = random.nextDouble();
            List<Allocation> allocations;
            String jobId = "running-" + running.size();
            if (roll < 0.60) {
                allocations = placeWhole(jobId, WHOLE_COUNTS[random.nextInt(WHOLE_COUNTS.length)], 1);
            } else if (roll < 0.95) {
                allocations = placeShare(jobId, (1 + random.nextInt(9)) / 10.0);
            } else {
                allocations = placeWhole(jobId, GPUS_PER_NODE, 2);
                priority = Priority.TRAIN;
            }
            if (allocations.isEmpty()) {
                // Large shapes stop fitting first as the site fills; give up only when nothing fits any more.
                misses++;
                continue;
            }
            misses = 0;
            RunningJob job = new RunningJob(jobId, project(project), priority,
                    T0.minusSeconds(1 + random.nextInt(86_400)), allocations, random.nextInt(100) == 0);
            running.add(job);
            held[project] += job.gpus();
            total += job.gpus();
        }
    }

    /** The project furthest below what it should hold, so usage ends near each target. */
    private static int neediest(double[] target, double[] held) {
        int best = 0;
        for (int i = 1; i < target.length; i++) {
            if (target[i] - held[i] > target[best] - held[best]) {
                best = i;
            }
        }
        return best;
    }

    /** {@code workers} allocations of {@code count} idle GPUs each, on nodes tried at random; none if one misses. */
    private List<Allocation> placeWhole(String jobId, int count, int workers) {
        List<Allocation> allocations = new ArrayList<>();
        for (int worker = 0; worker < workers; worker++) {
            Allocation allocation = null;
            for (int attempt = 0; attempt < 32 && allocation == null; attempt++) {
                int node = random.nextInt(nodes.size());
                List<String> ids = new ArrayList<>();
                for (int gpu = 0; gpu < GPUS_PER_NODE && ids.size() < count; gpu++) {
                    if (jobsOn[node][gpu] == 0) {
                        ids.add(String.valueOf(gpu));
                    }
                }
                if (ids.size() == count && allocations.stream().noneMatch(a -> a.node().equals(name(node)))) {
                    ids.forEach(id -> hold(node, Integer.parseInt(id), 1.0));
                    allocation = new Allocation(jobId, name(node), ids, 1.0);
                }
            }
            if (allocation == null) {
                allocations.forEach(this::free);
                return List.of();
            }
            allocations.add(allocation);
        }
        return allocations;
    }

    /** A share on a GPU that is shared already if one on the node has room, otherwise on an idle GPU. */
    private List<Allocation> placeShare(String jobId, double fraction) {
        for (int attempt = 0; attempt < 32; attempt++) {
            int node = random.nextInt(nodes.size());
            int chosen = -1;
            for (int gpu = 0; gpu < GPUS_PER_NODE; gpu++) {
                boolean fits = jobsOn[node][gpu] < 8 && used[node][gpu] + fraction <= 1 + 1e-9;
                if (fits && jobsOn[node][gpu] > 0) {
                    chosen = gpu;
                    break;
                }
                if (fits && chosen < 0) {
                    chosen = gpu;
                }
            }
            if (chosen >= 0) {
                hold(node, chosen, fraction);
                return List.of(new Allocation(jobId, name(node), List.of(String.valueOf(chosen)), fraction));
            }
        }
        return List.of();
    }

    private void hold(int node, int gpu, double fraction) {
        used[node][gpu] += fraction;
        jobsOn[node][gpu]++;
    }

    private void free(Allocation allocation) {
        int node = Integer.parseInt(allocation.node().substring("node-".length()));
        for (String id : allocation.gpuIds()) {
            used[node][Integer.parseInt(id)] -= allocation.fraction();
            jobsOn[node][Integer.parseInt(id)]--;
        }
    }

    /** Half whole GPUs, a third shares in tenths, a tenth 8-GPU gangs, the rest GPU memory; most in any pool. */
    private void addPending(int count) {
        for (int i = 0; i < count; i++) {
            double roll = random.nextDouble();
            GpuRequest request;
            int workers = 1;
            if (roll < 0.50) {
                request = new GpuRequest.Whole(WHOLE_COUNTS[random.nextInt(WHOLE_COUNTS.length)]);
            } else if (roll < 0.85) {
                request = new GpuRequest.Shared((1 + random.nextInt(9)) / 10.0);
            } else if (roll < 0.95) {
                request = new GpuRequest.Whole(GPUS_PER_NODE);
                workers = 2 + random.nextInt(3);
            } else {
                request = new GpuRequest.Memory(4096 * (1 + random.nextInt(10)));
            }
            double poolRoll = random.nextDouble();
            String pool = poolRoll < 0.7 ? null : poolRoll < 0.9 ? POOLS.get(0) : POOLS.get(1);
            pending.add(new PendingJob(String.format("job-%06d", i), project(random.nextInt(PROJECTS)),
                    workers > 1 ? Priority.TRAIN : priority(), request, workers, T0.plusMillis(100L * i), pool));
        }
    }

    /** Mostly training; a tenth interactive and a twentieth inference. */
    private Priority priority() {
        int roll = random.nextInt(100);
        return roll < 85 ? Priority.TRAIN : roll < 95 ? Priority.INTERACTIVE : Priority.INFERENCE;
    }

    private String name(int node) {
        return nodes.get(node).name();
    }

    static String project(int index) {
        return String.format("project-%03d", index);
    }
}
