package io.spillway.scheduler.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * A job waiting at this site for GPUs.
 *
 * @param submittedAt when the job was submitted; the queue is served in this order
 * @param nodePool the only pool the job may run in, or {@code null} for any
 */
public record PendingJob(String jobId, GpuRequest request, Instant submittedAt, String nodePool) {

    public PendingJob {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(submittedAt, "submittedAt");
    }
}
