package io.spillway.scheduler.executor;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The variables Spillway gives every worker of a job, whatever runs it. Executors set them after the job's own
 * {@code env}, so a job cannot claim GPUs or an identity it was not given.
 */
public final class SpillwayEnvironment {

    private SpillwayEnvironment() {
    }

    /** In a fixed order, so a pod's spec (and a diff of it) does not change from one start to the next. */
    public static Map<String, String> of(Launch launch) {
        Map<String, String> env = new LinkedHashMap<>();
        String gpus = String.join(",", launch.gpuIds());
        env.put("CUDA_VISIBLE_DEVICES", gpus);
        env.put("NVIDIA_VISIBLE_DEVICES", gpus);
        env.put("SPILLWAY_GPU_FRACTION", BigDecimal.valueOf(launch.gpuFraction()).stripTrailingZeros().toPlainString());
        if (launch.gpuMemoryMiB() != null) {
            env.put("SPILLWAY_GPU_MEMORY_MIB", String.valueOf(launch.gpuMemoryMiB()));
        }
        env.put("SPILLWAY_JOB_ID", launch.jobId());
        env.put("SPILLWAY_SITE", launch.site());
        env.put("SPILLWAY_WORKER", String.valueOf(launch.worker()));
        env.put("SPILLWAY_WORKERS", String.valueOf(launch.workers()));
        return env;
    }
}
