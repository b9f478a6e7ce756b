package io.spillway.schemas;

import java.util.List;
import java.util.Map;

/**
 * What a job asks for, as submitted through REST, the CLI or an external system.
 *
 * @param gpu a fraction of one GPU (0 &lt; gpu &lt; 1) or a whole number of GPUs per worker; {@code null} when
 *        {@code gpuMemoryMiB} asks for GPU memory instead
 * @param workers number of workers placed together (gang), all or none
 * @param burstable whether the job may be rerouted to a burst site; {@code null} means the default of its class
 */
public record JobSpec(
        String name,
        String project,
        String image,
        List<String> command,
        Double gpu,
        Integer gpuMemoryMiB,
        Double cpu,
        Integer memoryMiB,
        int workers,
        PriorityClass priority,
        List<VolumeMount> volumes,
        Map<String, String> env,
        String nodePool,
        Boolean burstable) {

    public JobSpec {
        command = command == null ? List.of() : List.copyOf(command);
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
        env = env == null ? Map.of() : Map.copyOf(env);
        workers = workers <= 0 ? 1 : workers;
        priority = priority == null ? PriorityClass.TRAIN : priority;
    }

    /** Whether the job may move to a burst site: by default only training jobs do. */
    public boolean mayBurst() {
        return burstable != null ? burstable : priority == PriorityClass.TRAIN;
    }
}
