package io.spillway.snapshot.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Lets a progress report through at most once per interval, the first one interval after the start: a snapshot or
 * restore shorter than the interval reports no progress, its final event says it all. Thread-safe.
 */
public final class ProgressThrottle {

    private final Duration interval;
    private final Clock clock;
    private Instant last;

    public ProgressThrottle(Duration interval, Clock clock) {
        if (interval.isNegative()) {
            throw new IllegalArgumentException("A progress interval cannot be negative: " + interval);
        }
        this.interval = interval;
        this.clock = clock;
        this.last = clock.instant();
    }

    /** Whether a report is due now; when it is, the next one is due an interval later. */
    public synchronized boolean due() {
        Instant now = clock.instant();
        if (now.isBefore(last.plus(interval))) {
            return false;
        }
        last = now;
        return true;
    }
}
