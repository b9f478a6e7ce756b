package io.spillway.schemas;

import java.util.List;

/**
 * Where one worker of a job runs: the node, the GPUs it holds and the share of each.
 *
 * @param gpuIds the node-local GPU ids (as {@code CUDA_VISIBLE_DEVICES} takes them)
 * @param gpuFraction the share of each listed GPU the worker holds, 1.0 for whole GPUs
 */
public record Placement(int worker, String node, List<String> gpuIds, double gpuFraction) {

    public Placement {
        gpuIds = gpuIds == null ? List.of() : List.copyOf(gpuIds);
    }
}
