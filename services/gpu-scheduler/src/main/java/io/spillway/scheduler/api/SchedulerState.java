package io.spillway.scheduler.api;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * What the scheduler of a site holds now: its GPUs and who uses them, and its latest jobs; and which instance of it
 * leads.
 *
 * @param leader whether the instance that answers leads its site (runs the passes and the processes)
 * @param leaderId the instance that holds the site's lease now, whichever answers; {@code null} while nobody does
 * @param instanceId the instance that answers
 */
public record SchedulerState(String site, String inventorySource, boolean leader, String leaderId, String instanceId,
        List<NodeView> nodes, List<JobView> jobs) {

    /** One node and its GPUs. */
    public record NodeView(String name, String pool, List<GpuView> gpus) {
    }

    /**
     * One GPU.
     *
     * @param used the share of it held, 0 to 1
     * @param jobs the jobs holding a part of it
     */
    public record GpuView(String id, int memoryMiB, String model, double used, List<String> jobs) {
    }

    /** One job of this site and where it runs or ran. */
    public record JobView(String jobId, String name, String project, String state, String reason, String node,
            List<String> gpuIds, Double gpuFraction, Integer exitCode, OffsetDateTime submittedAt,
            OffsetDateTime startedAt, OffsetDateTime endedAt) {
    }
}
