package io.spillway.burst.saga;

import java.time.Duration;

/**
 * How long each step of the saga may take before the saga gives up on it.
 *
 * @param snapshot from asking for a snapshot to its upload
 * @param restore from asking for a restore to the filesystem being usable for the jobs that need it
 */
public record SagaTimeouts(Duration snapshot, Duration restore) {

    public SagaTimeouts {
        if (snapshot.isNegative() || snapshot.isZero() || restore.isNegative() || restore.isZero()) {
            throw new IllegalArgumentException("saga timeouts must be positive, got snapshot " + snapshot
                    + " and restore " + restore);
        }
    }
}
