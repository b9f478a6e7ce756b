package io.spillway.scheduler.executor;

import java.util.List;
import java.util.Map;

import io.spillway.schemas.VolumeMount;

/**
 * Everything an executor needs to run one worker of a job on the GPUs it was given. A job with {@code workers > 1}
 * (a gang) is launched once per worker, each on its own node and GPUs.
 *
 * @param worker this worker's index, 0 to {@code workers - 1}
 * @param image the container image (the Kubernetes executor runs it; the local executor ignores it)
 * @param gpuIds the node-local GPU ids the worker may see
 * @param gpuFraction the share of each GPU it holds, 1.0 for whole GPUs
 * @param gpuMemoryMiB the GPU memory it asked for, or {@code null} when it asked for a share or whole GPUs
 * @param volumes the filesystems it mounts, as the job asked for them
 */
public record Launch(String jobId, int worker, int workers, String site, String node, String image,
        List<String> command, Map<String, String> env, List<String> gpuIds, double gpuFraction, Integer gpuMemoryMiB,
        List<VolumeMount> volumes) {

    public Launch {
        command = List.copyOf(command);
        env = Map.copyOf(env);
        gpuIds = List.copyOf(gpuIds);
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
        if (worker < 0 || worker >= workers) {
            throw new IllegalArgumentException("worker " + worker + " of " + workers);
        }
    }
}
