package io.spillway.burst.saga;

import java.util.List;

/**
 * A site's queue overflowed.
 *
 * @param traceparent the W3C trace context the signal came with, or {@code null}
 * @param candidates the waiting jobs that may burst: burstable, not interactive, oldest first
 */
public record QueueOverflow(String site, String traceparent, List<Candidate> candidates) {

    public QueueOverflow {
        candidates = List.copyOf(candidates);
    }
}
