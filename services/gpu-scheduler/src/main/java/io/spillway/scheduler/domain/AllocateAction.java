package io.spillway.scheduler.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Places pending jobs in submit order, each where it fits best: whole GPUs on the node with the fewest idle GPUs that
 * still has enough (so larger free nodes stay free for larger jobs), a share on the fullest GPU it still fits on (so
 * whole GPUs stay free). A job that does not fit waits with a reason; jobs behind it that fit are still placed.
 */
public final class AllocateAction implements SchedulingAction {

    @Override
    public void execute(SchedulingSession session) {
        for (PendingJob job : session.queue()) {
            Optional<Allocation> placement = place(session, job);
            if (placement.isPresent()) {
                session.allocate(placement.get());
            } else {
                session.keepWaiting(job, PendingReasons.explain(session, job));
            }
        }
    }

    static Optional<Allocation> place(SchedulingSession session, PendingJob job) {
        List<Node> nodes = session.nodesFor(job);
        GpuRequest request = job.request();
        if (request instanceof GpuRequest.Whole whole) {
            return placeWhole(session, nodes, job.jobId(), whole.count());
        }
        if (request instanceof GpuRequest.Shared shared) {
            return placeShare(session, nodes, job.jobId(), gpu -> shared.fraction());
        }
        GpuRequest.Memory memory = (GpuRequest.Memory) request;
        return placeShare(session, nodes, job.jobId(), gpu -> (double) memory.memoryMiB() / gpu.gpu().memoryMiB());
    }

    private static Optional<Allocation> placeWhole(SchedulingSession session, List<Node> nodes, String jobId,
            int count) {
        Node best = null;
        List<GpuUse> bestIdle = List.of();
        for (Node node : nodes) {
            List<GpuUse> idle = session.gpus(node).stream().filter(GpuUse::idle).toList();
            if (idle.size() >= count && (best == null || idle.size() < bestIdle.size())) {
                best = node;
                bestIdle = idle;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        List<String> gpuIds = bestIdle.stream().limit(count).map(gpu -> gpu.gpu().id()).toList();
        return Optional.of(new Allocation(jobId, best.name(), gpuIds, 1.0));
    }

    private static Optional<Allocation> placeShare(SchedulingSession session, List<Node> nodes, String jobId,
            ShareOf shareOf) {
        List<Candidate> candidates = new ArrayList<>();
        for (Node node : nodes) {
            for (GpuUse gpu : session.gpus(node)) {
                double share = shareOf.of(gpu);
                if (share <= 1 && gpu.fits(share, session.maxJobsPerGpu())) {
                    candidates.add(new Candidate(gpu, share, gpu.free() - share));
                }
            }
        }
        // Best fit: least room left after placing; the first in inventory order among equals.
        return candidates.stream()
                .min(Comparator.comparingDouble(Candidate::leftOver))
                .map(c -> new Allocation(jobId, c.gpu().node().name(), List.of(c.gpu().gpu().id()), c.share()));
    }

    /** The share of a given GPU a job needs; for a memory request it depends on the GPU's memory. */
    @FunctionalInterface
    private interface ShareOf {
        double of(GpuUse gpu);
    }

    private record Candidate(GpuUse gpu, double share, double leftOver) {
    }
}
