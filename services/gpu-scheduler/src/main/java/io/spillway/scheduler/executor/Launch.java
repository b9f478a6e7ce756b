package io.spillway.scheduler.executor;

import java.util.List;
import java.util.Map;

/**
 * Everything an executor needs to run one job on the GPUs it was given.
 *
 * @param gpuIds the node-local GPU ids the job may see
 * @param gpuFraction the share of each GPU it holds, 1.0 for whole GPUs
 */
public record Launch(String jobId, String site, String node, List<String> command, Map<String, String> env,
        List<String> gpuIds, double gpuFraction) {

    public Launch {
        command = List.copyOf(command);
        env = Map.copyOf(env);
        gpuIds = List.copyOf(gpuIds);
    }
}
