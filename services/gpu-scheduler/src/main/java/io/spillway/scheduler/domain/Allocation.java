package io.spillway.scheduler.domain;

import java.util.List;
import java.util.Objects;

/**
 * GPUs held by one job on one node.
 *
 * @param fraction the share of each listed GPU the job holds: 1.0 for whole GPUs
 */
public record Allocation(String jobId, String node, List<String> gpuIds, double fraction) {

    public Allocation {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(node, "node");
        gpuIds = List.copyOf(gpuIds);
    }
}
