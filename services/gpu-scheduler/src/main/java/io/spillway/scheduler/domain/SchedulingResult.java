package io.spillway.scheduler.domain;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a scheduling pass decided: the allocations to make, in order, and why every other pending job still waits.
 *
 * @param waiting job id to the reason it waits, in queue order
 */
public record SchedulingResult(List<Allocation> allocations, Map<String, String> waiting) {

    public SchedulingResult {
        allocations = List.copyOf(allocations);
        waiting = Collections.unmodifiableMap(new LinkedHashMap<>(waiting));
    }
}
