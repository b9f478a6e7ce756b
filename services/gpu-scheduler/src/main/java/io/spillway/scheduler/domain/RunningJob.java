package io.spillway.scheduler.domain;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A job that holds GPUs at this site: allocated or running, one allocation per worker.
 *
 * @param stopping whether it has been asked to stop (cancelled or preempted) and still holds its GPUs until its
 *        processes end; it is not a victim again, and its GPUs count as soon to be free
 */
public record RunningJob(String jobId, String project, Priority priority, Instant startedAt,
        List<Allocation> allocations, boolean stopping) {

    public RunningJob {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(priority, "priority");
        Objects.requireNonNull(startedAt, "startedAt");
        allocations = List.copyOf(allocations);
    }

    /** The GPUs it holds, a share counting as its share. */
    public double gpus() {
        double total = 0;
        for (Allocation allocation : allocations) {
            total += allocation.gpuIds().size() * allocation.fraction();
        }
        return total;
    }
}
