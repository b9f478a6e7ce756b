package io.spillway.scheduler.domain;

/** Where a job stands at this site's scheduler. */
public enum JobState {
    /** Queued, waiting for GPUs. */
    PENDING,
    /** GPUs reserved; the executor is about to start it. */
    ALLOCATED,
    /** Its process runs. */
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED,
    /** Moved to another site, which runs it from now on. */
    REROUTED;

    /** Whether the job still waits or holds GPUs. */
    public boolean isLive() {
        return this == PENDING || this == ALLOCATED || this == RUNNING;
    }
}
