package io.spillway.scheduler.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * A job waiting at this site for GPUs.
 *
 * @param workers how many workers must be placed together (a gang), each with {@code request}
 * @param submittedAt when the job was submitted; jobs of one class and project are served in this order
 * @param nodePool the only pool the job may run in, or {@code null} for any
 */
public record PendingJob(String jobId, String project, Priority priority, GpuRequest request, int workers,
        Instant submittedAt, String nodePool) {

    public PendingJob {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(priority, "priority");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(submittedAt, "submittedAt");
        if (workers < 1) {
            throw new InvalidGpuRequest("a job needs at least one worker, not " + workers);
        }
    }

    /** A single-worker training job of the {@code default} project. */
    public PendingJob(String jobId, GpuRequest request, Instant submittedAt, String nodePool) {
        this(jobId, "default", Priority.TRAIN, request, 1, submittedAt, nodePool);
    }

    public boolean isGang() {
        return workers > 1;
    }
}
