package io.spillway.scheduler.domain;

import java.util.Objects;

/**
 * Why a job still waits after a pass, in words its owner understands, and of which kind.
 *
 * @param kind {@link Kind#CAPACITY} and {@link Kind#RECLAIM} jobs wait for GPUs (they count towards the queue
 *        threshold that starts a burst); {@link Kind#POLICY} jobs are held back by their project's quota or limit;
 *        {@link Kind#NEVER_HERE} jobs ask for what this site does not have, and wait for a burst site that has it
 */
public record Wait(String reason, Kind kind) {

    public enum Kind {
        /** No GPUs fit it now. */
        CAPACITY,
        /** GPUs are being freed for it: jobs over their quota, or of lower priority, are being preempted. */
        RECLAIM,
        /** Its project's limit or quota holds it back, whatever the site's free GPUs. */
        POLICY,
        /**
         * This site can never run it, even empty: its node pool is not here, no node has as many GPUs (or no GPU as
         * much memory) as one worker asks for, or its gang does not fit all the nodes together. It waits for a burst
         * site that can; freeing GPUs here would not help, so it does not count towards the queue threshold.
         */
        NEVER_HERE
    }

    public Wait {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(kind, "kind");
    }

    /** Whether the job waits for GPUs this site has, taken by others: not for its project's policy, not in vain. */
    public boolean forCapacity() {
        return kind == Kind.CAPACITY || kind == Kind.RECLAIM;
    }

    /** Whether a burst site may be the answer: the job waits for GPUs, or for GPUs this site will never have. */
    public boolean mayBurst() {
        return forCapacity() || kind == Kind.NEVER_HERE;
    }
}
