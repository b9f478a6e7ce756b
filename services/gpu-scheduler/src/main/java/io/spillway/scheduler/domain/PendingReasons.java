package io.spillway.scheduler.domain;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Optional;

/** Why a job waits for GPUs, in words its owner understands: what it asks for and the most the site could give now. */
final class PendingReasons {

    private PendingReasons() {
    }

    static String explain(SchedulingSession session, PendingJob job) {
        String where = job.nodePool() == null ? "" : " in pool " + job.nodePool();
        Optional<String> never = neverHere(session, job);
        if (never.isPresent()) {
            return never.get();
        }
        if (session.poolsFor(job).isEmpty() || session.largestNode(job) == 0) {
            return "this site has no GPU nodes";
        }
        String gang = job.isGang() ? " for each of its " + job.workers() + " workers (a gang starts all at once)" : "";
        GpuRequest request = job.request();
        if (request instanceof GpuRequest.Whole whole) {
            return whole(session, job, whole.count(), where) + gang;
        }
        if (request instanceof GpuRequest.Shared shared) {
            return shared(session, job, shared.fraction(), where) + gang;
        }
        return memory(session, job, ((GpuRequest.Memory) request).memoryMiB(), where) + gang;
    }

    /**
     * Why this site could not run the job even with every GPU idle, or empty when it could, given time. A site with no
     * GPU node at all is not such a site: its inventory may simply not have reported yet, and nothing about the job
     * tells it apart from the others waiting there.
     */
    static Optional<String> neverHere(SchedulingSession session, PendingJob job) {
        if (session.nodes().stream().noneMatch(node -> !node.gpus().isEmpty())) {
            return Optional.empty();
        }
        String where = job.nodePool() == null ? "" : " in pool " + job.nodePool();
        if (session.poolsFor(job).isEmpty() || session.largestNode(job) == 0) {
            return Optional.of(job.nodePool() != null
                    ? "no node in pool " + job.nodePool() + " at this site"
                    : "this site has no GPU nodes");
        }
        GpuRequest request = job.request();
        if (request instanceof GpuRequest.Whole whole) {
            int largest = session.largestNode(job);
            if (largest < whole.count()) {
                return Optional.of("no node" + where + " has " + gpus(whole.count()) + ": the largest has " + largest);
            }
            // Workers of a gang may share a node; each takes its GPUs from one node.
            long fit = session.nodesFor(job).stream().mapToLong(node -> node.gpus().size() / whole.count()).sum();
            if (fit < job.workers()) {
                return Optional.of("its gang of " + job.workers() + " workers with " + gpus(whole.count())
                        + " each does not fit this site" + where + " even when every GPU is idle: its nodes hold "
                        + fit + " such workers at most");
            }
        }
        if (request instanceof GpuRequest.Memory memory) {
            int largest = session.nodesFor(job).stream().flatMap(node -> node.gpus().stream())
                    .mapToInt(Gpu::memoryMiB).max().orElse(0);
            if (largest < memory.memoryMiB()) {
                return Optional.of("no GPU" + where + " has " + memory.memoryMiB() + " MiB of memory: the largest has "
                        + largest + " MiB");
            }
        }
        return Optional.empty();
    }

    private static String whole(SchedulingSession session, PendingJob job, int count, String where) {
        int largest = session.largestNode(job);
        if (largest < count) {
            return "no node" + where + " has " + gpus(count) + ": the largest has " + largest;
        }
        Optional<Node> freest = session.freestNode(job);
        String most = freest.map(node -> ": at most " + session.idleOn(node) + " free on one node (" + node.name()
                + ")").orElse(": none is free");
        return "no node" + where + " with " + count + " free GPU" + (count == 1 ? "" : "s") + most;
    }

    private static String shared(SchedulingSession session, PendingJob job, double fraction, String where) {
        // The share index holds only GPUs below the per-GPU job limit; a fuller GPU is found by a scan, which runs
        // once per shape that does not fit (the caller remembers the answer until GPU use changes).
        double mostFree = session.largestFreeShare(job);
        if (mostFree + GpuUse.EPSILON < fraction && session.nodesFor(job).stream()
                .flatMap(node -> session.gpus(node).stream())
                .anyMatch(gpu -> gpu.free() + GpuUse.EPSILON >= fraction)) {
            return "waiting for " + share(fraction) + " of a GPU" + where + ": every GPU with that much free already"
                    + " runs " + session.maxJobsPerGpu() + " jobs, the most one GPU is shared by";
        }
        return "waiting for " + share(fraction) + " of a GPU" + where + ": at most " + share(mostFree)
                + " of a GPU is free";
    }

    private static String memory(SchedulingSession session, PendingJob job, int memoryMiB, String where) {
        List<GpuUse> gpus = session.nodesFor(job).stream().flatMap(node -> session.gpus(node).stream()).toList();
        int largest = gpus.stream().mapToInt(gpu -> gpu.gpu().memoryMiB()).max().orElse(0);
        if (largest < memoryMiB) {
            return "no GPU" + where + " has " + memoryMiB + " MiB of memory: the largest has " + largest + " MiB";
        }
        if (gpus.stream().anyMatch(gpu -> freeMiB(gpu) >= memoryMiB)) {
            return "waiting for " + memoryMiB + " MiB of GPU memory" + where + ": every GPU with that much free"
                    + " already runs " + session.maxJobsPerGpu() + " jobs, the most one GPU is shared by";
        }
        long mostFree = gpus.stream().mapToLong(PendingReasons::freeMiB).max().orElse(0);
        return "waiting for " + memoryMiB + " MiB of GPU memory" + where + ": at most " + mostFree
                + " MiB is free on a GPU";
    }

    private static long freeMiB(GpuUse gpu) {
        return (long) Math.floor(gpu.free() * gpu.gpu().memoryMiB() + GpuUse.EPSILON);
    }

    private static String gpus(int count) {
        return count + " GPU" + (count == 1 ? "" : "s");
    }

    /** A share as people write it: 0.5, 0.25, 0; never 0.30000000000000004. */
    static String share(double fraction) {
        BigDecimal rounded = BigDecimal.valueOf(fraction).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros();
        return rounded.signum() == 0 ? "0" : rounded.toPlainString();
    }
}
