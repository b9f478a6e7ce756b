package io.spillway.schemas;

import java.util.List;

/** Signals about one site's queue, on {@link Topics#QUEUES}, keyed by site. */
public sealed interface QueueEvent extends SpillwayEvent {

    String site();

    @Override
    default String subject() {
        return site();
    }

    /** More than {@code threshold} jobs have waited for capacity at {@code site} for the debounce interval. */
    record QueueThresholdExceeded(String site, int waiting, int threshold, List<BurstCandidate> candidates)
            implements
                QueueEvent {

        public QueueThresholdExceeded {
            candidates = candidates == null ? List.of() : List.copyOf(candidates);
        }
    }

    /** The jobs waiting for capacity at {@code site} fell back to the low watermark. */
    record QueueDrained(String site, int waiting, int lowWatermark) implements QueueEvent {
    }
}
