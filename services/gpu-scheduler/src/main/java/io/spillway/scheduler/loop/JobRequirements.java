package io.spillway.scheduler.loop;

import io.spillway.scheduler.domain.GpuRequest;
import io.spillway.scheduler.domain.InvalidGpuRequest;
import io.spillway.scheduler.domain.PendingJob;
import io.spillway.scheduler.domain.Priority;
import io.spillway.schemas.JobSpec;

/** Reads what the scheduler core needs from a job spec, and refuses what this scheduler cannot run yet. */
public final class JobRequirements {

    private JobRequirements() {
    }

    /**
     * The GPU request of {@code spec}.
     *
     * @throws InvalidGpuRequest when the request makes no sense, or asks for a gang of shared GPUs
     */
    public static GpuRequest gpuRequest(JobSpec spec) {
        GpuRequest request = GpuRequest.of(spec.gpu(), spec.gpuMemoryMiB());
        if (spec.workers() > 1 && !(request instanceof GpuRequest.Whole)) {
            throw new InvalidGpuRequest("a gang of " + spec.workers() + " workers needs whole GPUs per worker");
        }
        return request;
    }

    /** The job as the scheduling core sees it. */
    public static PendingJob pendingJob(String jobId, JobSpec spec, java.time.Instant submittedAt) {
        return new PendingJob(jobId, spec.project(), priority(spec), gpuRequest(spec), spec.workers(), submittedAt,
                spec.nodePool());
    }

    public static Priority priority(JobSpec spec) {
        return Priority.of(spec.priority() == null ? null : spec.priority().name());
    }
}
