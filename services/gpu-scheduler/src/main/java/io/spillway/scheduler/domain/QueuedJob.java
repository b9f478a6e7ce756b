package io.spillway.scheduler.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * A job in the site's queue as a pass reads it.
 *
 * @param reason why it waited after the last pass, or {@code null}; a pass announces a reason only when it changes
 * @param requirements what it asks for, or {@code null} when its stored spec cannot be read
 */
public record QueuedJob(String jobId, Instant submittedAt, String reason, Requirements requirements) {

    public QueuedJob {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(submittedAt, "submittedAt");
    }
}
