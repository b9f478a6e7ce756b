package io.spillway.burst.domain;

import java.util.List;

/**
 * A site's queue has overflowed: {@code waiting} jobs wait for capacity, more than {@code threshold}.
 *
 * @param candidates the waiting jobs that may run elsewhere
 */
public record QueueSignal(String site, int waiting, int threshold, List<Candidate> candidates) {

    public QueueSignal {
        candidates = List.copyOf(candidates);
    }

    /** A job that may burst and the filesystems it mounts. */
    public record Candidate(String jobId, List<String> filesystems) {

        public Candidate {
            filesystems = List.copyOf(filesystems);
        }
    }
}
