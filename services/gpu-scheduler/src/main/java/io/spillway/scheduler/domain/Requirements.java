package io.spillway.scheduler.domain;

import java.time.Instant;
import java.util.List;

/**
 * What a queued job asks for, as its spec says, before the core has checked it: a pass turns it into a
 * {@link PendingJob}, or fails the job when it can never be placed.
 *
 * @param gpu a share below 1 or a whole count per worker, or {@code null} when {@code gpuMemoryMiB} is set
 * @param nodePool the only pool the job may run in, or {@code null} for any
 * @param mayBurst whether the job may move to a burst site
 * @param filesystems the filesystems its volumes mount, each once, in the order the job names them
 */
public record Requirements(String project, Priority priority, Double gpu, Integer gpuMemoryMiB, int workers,
        String nodePool, boolean mayBurst, List<String> filesystems) {

    public Requirements {
        filesystems = List.copyOf(filesystems);
    }

    /**
     * The GPU request of a spec's {@code gpu}, {@code gpuMemoryMiB} and {@code workers}.
     *
     * @throws InvalidGpuRequest when the request makes no sense, or asks for a gang of shared GPUs
     */
    public static GpuRequest gpuRequest(Double gpu, Integer gpuMemoryMiB, int workers) {
        GpuRequest request = GpuRequest.of(gpu, gpuMemoryMiB);
        if (workers > 1 && !(request instanceof GpuRequest.Whole)) {
            throw new InvalidGpuRequest("a gang of " + workers + " workers needs whole GPUs per worker");
        }
        return request;
    }

    /**
     * The job as the scheduling core sees it.
     *
     * @throws InvalidGpuRequest when it can never be placed (see {@link #gpuRequest(Double, Integer, int)})
     */
    public PendingJob pendingJob(String jobId, Instant submittedAt) {
        return new PendingJob(jobId, project, priority, gpuRequest(gpu, gpuMemoryMiB, workers), workers, submittedAt,
                nodePool);
    }
}
