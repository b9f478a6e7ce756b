package io.spillway.scheduler.loop;

import io.spillway.scheduler.domain.GpuRequest;
import io.spillway.scheduler.domain.InvalidGpuRequest;
import io.spillway.schemas.JobSpec;

/** Reads what the scheduler core needs from a job spec, and refuses what this scheduler cannot run yet. */
public final class JobRequirements {

    private JobRequirements() {
    }

    /**
     * The GPU request of {@code spec}.
     *
     * @throws InvalidGpuRequest when the request makes no sense, or asks for gang placement (not supported yet)
     */
    public static GpuRequest gpuRequest(JobSpec spec) {
        if (spec.workers() > 1) {
            throw new InvalidGpuRequest("the job asks for " + spec.workers() + " workers; this scheduler runs"
                    + " single-worker jobs only for now");
        }
        return GpuRequest.of(spec.gpu(), spec.gpuMemoryMiB());
    }
}
