package io.spillway.schemas;

import java.util.List;

/** Events of one job's lifecycle, on {@link Topics#JOBS}, keyed by job id. */
public sealed interface JobEvent extends SpillwayEvent {

    String jobId();

    @Override
    default String subject() {
        return jobId();
    }

    /** A job was accepted for {@code site}, its home site. */
    record JobSubmitted(String jobId, String site, JobSpec spec, String submittedBy) implements JobEvent {
    }

    /** Someone asked to cancel a job; whoever runs it stops it. */
    record JobCancelled(String jobId, String reason, String requestedBy) implements JobEvent {
    }

    /** The job waits at {@code site}; {@code reason} says why in words a user understands. */
    record JobPending(String jobId, String site, String reason) implements JobEvent {
    }

    /** The scheduler of {@code site} reserved GPUs for every worker of the job. */
    record GpuAllocated(String jobId, String site, List<Placement> placements) implements JobEvent {

        public GpuAllocated {
            placements = placements == null ? List.of() : List.copyOf(placements);
        }
    }

    /** The executor started the job. */
    record JobStarted(String jobId, String site, String executor, String node) implements JobEvent {
    }

    /** The job ended with exit code 0. */
    record JobCompleted(String jobId, String site, int exitCode, long durationMs) implements JobEvent {
    }

    /** The job ended badly: a non-zero exit code, or {@code exitCode} null when it never ran. */
    record JobFailed(String jobId, String site, Integer exitCode, String reason, long durationMs) implements JobEvent {
    }

    /** The job was stopped to make room for {@code preemptedBy}; it goes back to pending. */
    record JobPreempted(String jobId, String site, String reason, String preemptedBy) implements JobEvent {
    }

    /**
     * The job moves from its home site to a burst site, as part of burst {@code burstId}, or back home from the burst
     * site. The site it leaves answers with {@link JobHandedOver} or {@link JobRerouteDeclined}.
     *
     * @param answerBy RFC 3339 time after which the site it leaves must decline it: the burst stopped waiting for the
     *        answer then; {@code null} for no deadline
     */
    record JobRerouted(String jobId, String fromSite, String toSite, String burstId, String answerBy)
            implements
                JobEvent {

        /** A reroute with no deadline for its answer. */
        public JobRerouted(String jobId, String fromSite, String toSite, String burstId) {
            this(jobId, fromSite, toSite, burstId, null);
        }
    }

    /**
     * The home site's scheduler took the job out of its queue for a {@link JobRerouted}: from now on only
     * {@code toSite} may run it. The burst site queues a rerouted job on this event, never on {@code JobRerouted}
     * alone, so a job that started at home in the meantime cannot run twice.
     */
    record JobHandedOver(String jobId, String fromSite, String toSite, String burstId) implements JobEvent {
    }

    /**
     * The home site's scheduler kept the job: it was no longer waiting there when the {@link JobRerouted} arrived.
     * {@code reason} says why in words a user understands, e.g. "already running at onprem".
     */
    record JobRerouteDeclined(String jobId, String fromSite, String toSite, String burstId, String reason)
            implements
                JobEvent {
    }
}
