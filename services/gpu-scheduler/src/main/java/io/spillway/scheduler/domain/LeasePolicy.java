package io.spillway.scheduler.domain;

import java.time.Duration;
import java.util.Objects;

/**
 * The timing of a site's scheduler lease. The holder renews it every {@code renewEvery}; each renewal makes it expire
 * {@code ttl} later on the database's clock. The holder acts only until {@code ttl - safetyMargin} after it sent its
 * last granted renewal, by its own monotonic clock: the database set the expiry after the request left, so the
 * holder stops acting at least {@code safetyMargin} before anyone else can take the lease, whatever the two clocks
 * read, and a process it starts at the last moment has that margin to show up before a successor looks for it.
 */
public record LeasePolicy(Duration ttl, Duration renewEvery, Duration safetyMargin) {

    /** Ten seconds to expiry, a renewal every two, three seconds of margin: a successor leads within about twelve. */
    public static final LeasePolicy DEFAULT = new LeasePolicy(Duration.ofSeconds(10), Duration.ofSeconds(2),
            Duration.ofSeconds(3));

    public LeasePolicy {
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(renewEvery, "renewEvery");
        Objects.requireNonNull(safetyMargin, "safetyMargin");
        if (renewEvery.isNegative() || renewEvery.isZero() || safetyMargin.isNegative()) {
            throw new IllegalArgumentException("the lease's renewal interval must be positive and its safety margin"
                    + " not negative: renew every " + renewEvery + ", margin " + safetyMargin);
        }
        // At least one renewal must land inside the acting window, or a healthy leader would stop acting between two.
        if (renewEvery.compareTo(ttl.minus(safetyMargin)) >= 0) {
            throw new IllegalArgumentException("the lease's renewal interval (" + renewEvery + ") must be shorter than"
                    + " its TTL less its safety margin (" + ttl + " - " + safetyMargin + ")");
        }
    }

    /** How long after sending a renewal that was granted the holder may act. */
    public Duration actingWindow() {
        return ttl.minus(safetyMargin);
    }
}
