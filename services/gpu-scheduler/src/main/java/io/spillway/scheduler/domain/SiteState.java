package io.spillway.scheduler.domain;

import java.util.List;

/**
 * The site's jobs and projects as its database holds them when a pass starts.
 *
 * @param holding the jobs that hold GPUs (allocated or running), one allocation per worker
 * @param queue the waiting jobs, in queue order; jobs flagged for cancellation or preemption are not among them
 * @param queueExceeded whether the site last announced that its queue overflows
 */
public record SiteState(List<RunningJob> holding, List<QueuedJob> queue, List<ProjectQuota> projects,
        boolean queueExceeded) {

    public SiteState {
        holding = List.copyOf(holding);
        queue = List.copyOf(queue);
        projects = List.copyOf(projects);
    }
}
