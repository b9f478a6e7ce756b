package io.spillway.scheduler.loop;

import io.spillway.scheduler.domain.GpuRequest;
import io.spillway.scheduler.domain.InvalidGpuRequest;
import io.spillway.scheduler.domain.Requirements;
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
        return Requirements.gpuRequest(spec.gpu(), spec.gpuMemoryMiB(), spec.workers());
    }
}
