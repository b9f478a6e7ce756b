package io.spillway.intake.domain;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import io.spillway.schemas.JobEvent;

/** The states of a job as users see them, and how lifecycle events move a job between them. */
public enum JobState {
    SUBMITTED,
    PENDING,
    ALLOCATED,
    RUNNING,
    PREEMPTED,
    REROUTED,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    /** The names of the final states, for queries. */
    public static List<String> finalStateNames() {
        return Arrays.stream(values()).filter(JobState::isFinal).map(Enum::name).toList();
    }

    /** Whether a job in this state holds GPUs at its site. */
    public boolean holdsGpus() {
        return this == ALLOCATED || this == RUNNING;
    }

    /** Whether a job in this state waits in its site's queue. */
    public boolean waits() {
        return this == SUBMITTED || this == PENDING || this == PREEMPTED;
    }

    /**
     * The state after {@code event}, or empty when the event does not change it. A final state never changes:
     * a process that ends after its job was cancelled still leaves the job cancelled.
     */
    public Optional<JobState> after(JobEvent event) {
        if (isFinal()) {
            return Optional.empty();
        }
        JobState next;
        if (event instanceof JobEvent.JobSubmitted) {
            next = this == SUBMITTED ? SUBMITTED : null;
        } else if (event instanceof JobEvent.JobPending) {
            next = PENDING;
        } else if (event instanceof JobEvent.GpuAllocated) {
            next = ALLOCATED;
        } else if (event instanceof JobEvent.JobStarted) {
            next = RUNNING;
        } else if (event instanceof JobEvent.JobCompleted) {
            next = SUCCEEDED;
        } else if (event instanceof JobEvent.JobFailed) {
            next = FAILED;
        } else if (event instanceof JobEvent.JobPreempted) {
            next = PREEMPTED;
        } else if (event instanceof JobEvent.JobRerouted) {
            // Only a waiting job can move; a reroute that crossed the job's start at home is declined there.
            next = waits() ? REROUTED : null;
        } else if (event instanceof JobEvent.JobHandedOver) {
            next = waits() || this == REROUTED ? REROUTED : null;
        } else if (event instanceof JobEvent.JobRerouteDeclined) {
            // The home site kept a job that waited there: it waits there still.
            next = this == REROUTED ? PENDING : null;
        } else if (event instanceof JobEvent.JobCancelled) {
            next = CANCELLED;
        } else {
            next = null;
        }
        return next == null || next == this ? Optional.empty() : Optional.of(next);
    }
}
