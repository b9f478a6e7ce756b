package io.spillway.scheduler.domain;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Comparator;
import java.util.List;

/** Why a job waits, in words its owner understands: what it asks for and the most the site could give now. */
final class PendingReasons {

    private PendingReasons() {
    }

    static String explain(SchedulingSession session, PendingJob job) {
        List<Node> nodes = session.nodesFor(job);
        if (nodes.isEmpty()) {
            return job.nodePool() != null
                    ? "no node in pool '" + job.nodePool() + "' at this site"
                    : "this site has no GPU nodes";
        }
        GpuRequest request = job.request();
        if (request instanceof GpuRequest.Whole whole) {
            return whole(session, nodes, whole.count());
        }
        if (request instanceof GpuRequest.Shared shared) {
            return shared(session, nodes, shared.fraction());
        }
        return memory(session, nodes, ((GpuRequest.Memory) request).memoryMiB());
    }

    private static String whole(SchedulingSession session, List<Node> nodes, int count) {
        int largest = nodes.stream().mapToInt(node -> node.gpus().size()).max().orElse(0);
        if (largest < count) {
            return "no node has " + gpus(count) + ": the largest has " + largest;
        }
        Node freest = nodes.get(0);
        long freestIdle = -1;
        for (Node node : nodes) {
            long idle = session.gpus(node).stream().filter(GpuUse::idle).count();
            if (idle > freestIdle) {
                freest = node;
                freestIdle = idle;
            }
        }
        String reason = "waiting for " + count + " free GPU" + (count == 1 ? "" : "s") + " on a node: " + freestIdle
                + " of " + freest.gpus().size() + " free";
        return nodes.size() == 1 ? reason : reason + " on the freest node, " + freest.name();
    }

    private static String shared(SchedulingSession session, List<Node> nodes, double fraction) {
        List<GpuUse> gpus = gpusOf(session, nodes);
        if (gpus.stream().anyMatch(gpu -> gpu.free() + GpuUse.EPSILON >= fraction)) {
            return "waiting for " + share(fraction) + " of a GPU: every GPU with that much free already runs "
                    + session.maxJobsPerGpu() + " jobs, the most one GPU is shared by";
        }
        double mostFree = gpus.stream().mapToDouble(GpuUse::free).max().orElse(0);
        return "waiting for " + share(fraction) + " of a GPU: at most " + share(mostFree) + " of a GPU is free";
    }

    private static String memory(SchedulingSession session, List<Node> nodes, int memoryMiB) {
        List<GpuUse> gpus = gpusOf(session, nodes);
        int largest = gpus.stream().mapToInt(gpu -> gpu.gpu().memoryMiB()).max().orElse(0);
        if (largest < memoryMiB) {
            return "no GPU has " + memoryMiB + " MiB of memory: the largest has " + largest + " MiB";
        }
        if (gpus.stream().anyMatch(gpu -> freeMiB(gpu) >= memoryMiB)) {
            return "waiting for " + memoryMiB + " MiB of GPU memory: every GPU with that much free already runs "
                    + session.maxJobsPerGpu() + " jobs, the most one GPU is shared by";
        }
        long mostFree = gpus.stream().mapToLong(PendingReasons::freeMiB).max().orElse(0);
        return "waiting for " + memoryMiB + " MiB of GPU memory: at most " + mostFree + " MiB is free on a GPU";
    }

    private static List<GpuUse> gpusOf(SchedulingSession session, List<Node> nodes) {
        return nodes.stream().flatMap(node -> session.gpus(node).stream())
                .sorted(Comparator.comparingDouble(GpuUse::free).reversed())
                .toList();
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
