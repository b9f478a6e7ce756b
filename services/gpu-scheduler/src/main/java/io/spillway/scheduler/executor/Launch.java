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
 * @param granted the storage-agent's mount of each volume, in the order of {@code volumes}; empty when the site has
 *        no storage-agent configured and the executor finds the filesystems itself
 */
public record Launch(String jobId, int worker, int workers, String site, String node, String image,
        List<String> command, Map<String, String> env, List<String> gpuIds, double gpuFraction, Integer gpuMemoryMiB,
        List<VolumeMount> volumes, List<MountedVolume> granted) {

    public Launch {
        command = List.copyOf(command);
        env = Map.copyOf(env);
        gpuIds = List.copyOf(gpuIds);
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
        granted = granted == null ? List.of() : List.copyOf(granted);
        if (!granted.isEmpty() && granted.size() != volumes.size()) {
            throw new IllegalArgumentException(granted.size() + " mounts granted for " + volumes.size() + " volumes");
        }
        if (worker < 0 || worker >= workers) {
            throw new IllegalArgumentException("worker " + worker + " of " + workers);
        }
    }

    /** A launch whose volumes the executor finds itself (no storage-agent). */
    public Launch(String jobId, int worker, int workers, String site, String node, String image, List<String> command,
            Map<String, String> env, List<String> gpuIds, double gpuFraction, Integer gpuMemoryMiB,
            List<VolumeMount> volumes) {
        this(jobId, worker, workers, site, node, image, command, env, gpuIds, gpuFraction, gpuMemoryMiB, volumes,
                List.of());
    }

    /** The storage-agent's mount of the volume at {@code index}, when one was granted. */
    public java.util.Optional<MountedVolume> grantOf(int index) {
        return granted.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(granted.get(index));
    }
}
