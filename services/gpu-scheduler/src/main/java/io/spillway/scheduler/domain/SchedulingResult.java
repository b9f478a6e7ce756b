package io.spillway.scheduler.domain;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a scheduling pass decided: the allocations to make (one per worker, in order), the running jobs to preempt,
 * and why every other pending job still waits.
 *
 * @param waiting job id to why it waits, in the order the jobs were considered
 */
public record SchedulingResult(List<Allocation> allocations, List<Preemption> preemptions,
        Map<String, Wait> waiting) {

    public SchedulingResult {
        allocations = List.copyOf(allocations);
        preemptions = List.copyOf(preemptions);
        waiting = Collections.unmodifiableMap(new LinkedHashMap<>(waiting));
    }

    /** How many jobs wait for GPUs (not held back by their project's policy). */
    public long waitingForCapacity() {
        return waiting.values().stream().filter(Wait::forCapacity).count();
    }
}
