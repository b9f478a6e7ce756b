package io.spillway.scheduler.domain;

import java.util.Objects;

/**
 * Why a job still waits after a pass, in words its owner understands, and of which kind.
 *
 * @param kind {@link Kind#CAPACITY} and {@link Kind#RECLAIM} jobs wait for GPUs (they count towards the queue
 *        threshold that starts a burst); {@link Kind#POLICY} jobs are held back by their project's quota or limit
 */
public record Wait(String reason, Kind kind) {

    public enum Kind {
        /** No GPUs fit it now. */
        CAPACITY,
        /** GPUs are being freed for it: jobs over their quota, or of lower priority, are being preempted. */
        RECLAIM,
        /** Its project's limit or quota holds it back, whatever the site's free GPUs. */
        POLICY
    }

    public Wait {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(kind, "kind");
    }

    /** Whether the job waits for capacity rather than for its project's policy. */
    public boolean forCapacity() {
        return kind != Kind.POLICY;
    }
}
