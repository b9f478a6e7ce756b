package io.spillway.scheduler.persistence;

import java.time.OffsetDateTime;
import java.util.List;

import io.spillway.scheduler.domain.JobState;
import io.spillway.schemas.JobSpec;

/**
 * A job of this site as the database holds it.
 *
 * @param node where it holds or held GPUs, or {@code null} before it was allocated
 * @param traceparent the job's trace, continued by every event about it
 * @param spec what the job asked for, or {@code null} when the stored spec cannot be read
 */
public record StoredJob(
        String jobId,
        JobState state,
        String reason,
        String traceparent,
        OffsetDateTime submittedAt,
        OffsetDateTime startedAt,
        OffsetDateTime endedAt,
        Integer exitCode,
        boolean cancelRequested,
        boolean preemptRequested,
        String preemptReason,
        String waitKind,
        JobSpec spec,
        String node,
        List<String> gpuIds,
        Double gpuFraction) {

    public StoredJob {
        gpuIds = gpuIds == null ? List.of() : List.copyOf(gpuIds);
    }
}
