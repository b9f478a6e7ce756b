package io.spillway.scheduler.domain;

import java.time.Instant;
import java.util.List;

/**
 * An immutable picture of the site at the start of a scheduling pass: its nodes, the jobs that hold GPUs, the jobs
 * that wait, and the projects' quotas (a project missing here has {@link ProjectQuota#unknown}).
 */
public record SiteSnapshot(List<Node> nodes, List<RunningJob> running, List<PendingJob> pending,
        List<ProjectQuota> projects) {

    public SiteSnapshot {
        nodes = List.copyOf(nodes);
        running = List.copyOf(running);
        pending = List.copyOf(pending);
        projects = List.copyOf(projects);
    }

    /** A site whose held GPUs are known only as allocations, all of training jobs of the {@code default} project. */
    public static SiteSnapshot of(List<Node> nodes, List<Allocation> held, List<PendingJob> pending) {
        List<RunningJob> running = held.stream()
                .map(a -> new RunningJob(a.jobId(), "default", Priority.TRAIN, Instant.EPOCH, List.of(a), false))
                .toList();
        return new SiteSnapshot(nodes, running, pending, List.of());
    }
}
