package io.spillway.scheduler.domain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one pass decided, to be committed as one unit: the core's allocations and preemptions, the queued jobs that
 * fail because they can never be placed, the waiting jobs whose reason changed, and a change of the queue signal.
 *
 * @param unplaceable job id to why it fails, in queue order
 * @param reasons job id to why it waits now, only for jobs whose reason changed, in the order they were considered
 */
public record Decision(SchedulingResult result, Map<String, String> unplaceable, Map<String, Wait> reasons,
        Optional<QueueChange> queueChange) {

    public Decision {
        Objects.requireNonNull(result, "result");
        unplaceable = Collections.unmodifiableMap(new LinkedHashMap<>(unplaceable));
        reasons = Collections.unmodifiableMap(new LinkedHashMap<>(reasons));
        Objects.requireNonNull(queueChange, "queueChange");
    }

    /** The allocations of each placed job, one per worker, jobs in the order they were placed. */
    public Map<String, List<Allocation>> placements() {
        Map<String, List<Allocation>> placed = new LinkedHashMap<>();
        result.allocations().forEach(allocation -> placed
                .computeIfAbsent(allocation.jobId(), id -> new ArrayList<>()).add(allocation));
        return placed;
    }

    /** A change of the queue signal, to announce. */
    public sealed interface QueueChange {

        /** How many jobs wait for GPUs. */
        int waiting();
    }

    /** More than {@code threshold} jobs have waited for GPUs long enough: a burst may take {@code candidates}. */
    public record Exceeded(int waiting, int threshold, List<Candidate> candidates) implements QueueChange {

        public Exceeded {
            candidates = List.copyOf(candidates);
        }
    }

    /** No more than {@code lowWatermark} jobs have waited for GPUs long enough. */
    public record Drained(int waiting, int lowWatermark) implements QueueChange {
    }

    /**
     * A waiting job a burst site may take, with what that site must offer to run it.
     *
     * @param gpus the GPUs it asks for, all workers together, a share counting as its share
     * @param nodePool the only node pool it may run in, or {@code null} for any
     * @param gpusPerWorker what each worker needs on one node: whole GPUs, a share below 1, or 1 for a GPU-memory
     *        request (which a burst site cannot check against its GPUs' memory)
     * @param workers how many workers start together
     * @param runnableAtHome {@code false} when this site can never run it ({@link Wait.Kind#NEVER_HERE})
     */
    public record Candidate(String jobId, String project, double gpus, List<String> filesystems, String nodePool,
            double gpusPerWorker, int workers, boolean runnableAtHome) {

        public Candidate {
            filesystems = List.copyOf(filesystems);
        }
    }
}
