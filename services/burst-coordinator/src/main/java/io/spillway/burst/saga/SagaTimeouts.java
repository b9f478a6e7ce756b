package io.spillway.burst.saga;

import java.time.Duration;

/**
 * How long each step of the saga may take before the saga gives up on it.
 *
 * @param snapshot from asking for a snapshot to its upload
 * @param restore from asking for a restore to the filesystem being usable for the jobs that need it
 * @param reroute from sending a job to the burst site (or back home) to the answer of the site that gives it up;
 *        {@code null} for none
 * @param start from a job being queued at the burst site to its start there; {@code null} for none
 */
public record SagaTimeouts(Duration snapshot, Duration restore, Duration reroute, Duration start) {

    public SagaTimeouts {
        if (!positive(snapshot) || !positive(restore) || reroute != null && !positive(reroute)
                || start != null && !positive(start)) {
            throw new IllegalArgumentException("saga timeouts must be positive, got snapshot " + snapshot
                    + ", restore " + restore + ", reroute " + reroute + " and start " + start);
        }
    }

    /** Deadlines for the data steps only: a reroute and a start wait as long as they take. */
    public SagaTimeouts(Duration snapshot, Duration restore) {
        this(snapshot, restore, null, null);
    }

    private static boolean positive(Duration duration) {
        return duration != null && !duration.isNegative() && !duration.isZero();
    }
}
