package io.spillway.scheduler.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether the site's queue overflows, with hysteresis: {@link Change#EXCEEDED} once more than {@code threshold} jobs
 * have waited for GPUs for a whole debounce interval, {@link Change#DRAINED} once no more than
 * {@code lowWatermark} have for a whole interval. Between the two marks nothing changes, so a count that hovers
 * around the threshold gives one event each way, not a stream of them.
 */
public final class QueueSignal {

    /** A change of the signal, to announce. */
    public enum Change {
        EXCEEDED,
        DRAINED
    }

    private final int threshold;
    private final int lowWatermark;
    private final Duration debounce;
    private boolean exceeded;
    /** Since when the count has been past the mark that would change the signal; {@code null} when it is not. */
    private Instant pastMarkSince;

    /**
     * @param exceeded the signal as last announced (after a restart: as stored)
     */
    public QueueSignal(int threshold, int lowWatermark, Duration debounce, boolean exceeded) {
        if (threshold < 0 || lowWatermark < 0 || lowWatermark >= threshold) {
            throw new IllegalArgumentException("the low watermark (" + lowWatermark
                    + ") must be at least 0 and below the threshold (" + threshold + ")");
        }
        this.threshold = threshold;
        this.lowWatermark = lowWatermark;
        this.debounce = debounce;
        this.exceeded = exceeded;
    }

    /** Takes the number of jobs waiting for GPUs at {@code now}; says when the signal changes. */
    public Optional<Change> observe(Instant now, long waiting) {
        boolean pastMark = exceeded ? waiting <= lowWatermark : waiting > threshold;
        if (!pastMark) {
            pastMarkSince = null;
            return Optional.empty();
        }
        if (pastMarkSince == null) {
            pastMarkSince = now;
        }
        if (Duration.between(pastMarkSince, now).compareTo(debounce) < 0) {
            return Optional.empty();
        }
        exceeded = !exceeded;
        pastMarkSince = null;
        return Optional.of(exceeded ? Change.EXCEEDED : Change.DRAINED);
    }

    /** A signal in the same state, to move on without touching this one (until a decision is committed). */
    public QueueSignal copy() {
        QueueSignal copy = new QueueSignal(threshold, lowWatermark, debounce, exceeded);
        copy.pastMarkSince = pastMarkSince;
        return copy;
    }

    public boolean exceeded() {
        return exceeded;
    }

    public int threshold() {
        return threshold;
    }

    public int lowWatermark() {
        return lowWatermark;
    }
}
