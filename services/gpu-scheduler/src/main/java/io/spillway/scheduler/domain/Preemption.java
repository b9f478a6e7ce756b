package io.spillway.scheduler.domain;

/**
 * A running job to stop so that another may run: its GPUs are reclaimed for a project below its deserved share, or
 * taken by a job of higher priority in its own project. The stopped job goes back to the queue.
 *
 * @param forJobId the waiting job the GPUs are freed for
 */
public record Preemption(String jobId, String project, String forJobId, String reason) {
}
