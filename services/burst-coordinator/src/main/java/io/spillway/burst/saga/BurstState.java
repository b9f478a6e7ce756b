package io.spillway.burst.saga;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Everything the saga needs to decide about one burst; immutable. The adapters persist it whole after every
 * decision, so a coordinator that restarts resumes from it.
 *
 * @param traceparent the W3C trace context of the signal that opened the burst
 * @param signals how many threshold signals for the home site the burst has absorbed
 * @param queueDrained whether the home site reported its queue drained since the last signal
 * @param readyAt when the data was first usable at the burst site and readiness announced
 * @param data the transfers that take the jobs' filesystems to the burst site, in the order they were asked for
 * @param jobs the jobs chosen to burst, in the order they waited
 * @param failedStep the step that failed ({@code snapshot}, {@code restore}, {@code reroute}, {@code start}), if
 *        the burst failed or, still {@link Phase#RUNNING}, is ending because a job's step at the burst site ran out
 *        of time
 * @param failureReason why it failed or is ending, for a person
 */
public record BurstState(
        String burstId,
        String homeSite,
        String burstSite,
        Phase phase,
        String traceparent,
        int signals,
        boolean queueDrained,
        Instant openedAt,
        Instant readyAt,
        Instant endedAt,
        List<Transfer> data,
        List<BurstJob> jobs,
        String failedStep,
        String failureReason) {

    public BurstState {
        data = List.copyOf(data);
        jobs = List.copyOf(jobs);
    }

    public boolean open() {
        return phase.open();
    }

    /**
     * Whether the burst winds down: a deadline of a job's reroute or start passed, so it takes no more jobs and ends
     * once the jobs it has are done.
     */
    public boolean ending() {
        return open() && failureReason != null;
    }

    public Optional<BurstJob> job(String jobId) {
        return jobs.stream().filter(job -> job.jobId().equals(jobId)).findFirst();
    }

    /** The GPUs this burst's jobs hold or are promised at the burst site. */
    public double gpusCommitted() {
        return jobs.stream().filter(job -> job.state().active()).mapToDouble(BurstJob::gpus).sum();
    }

    /** The filesystems this burst restored at its burst site, for choosing the site of later bursts. */
    public List<RecentRestore> restores() {
        return data.stream().filter(transfer -> transfer.state() == TransferState.RESTORED)
                .map(transfer -> new RecentRestore(burstSite, transfer.filesystem(), transfer.restoreEndedAt()))
                .toList();
    }

    BurstState with(Phase newPhase, boolean drained, Instant ready, Instant ended, List<Transfer> newData,
            List<BurstJob> newJobs) {
        return new BurstState(burstId, homeSite, burstSite, newPhase, traceparent, signals, drained, openedAt, ready,
                ended, newData, newJobs, failedStep, failureReason);
    }

    BurstState withData(List<Transfer> newData) {
        return with(phase, queueDrained, readyAt, endedAt, newData, jobs);
    }

    BurstState withJobs(List<BurstJob> newJobs) {
        return with(phase, queueDrained, readyAt, endedAt, data, newJobs);
    }

    BurstState withQueueDrained(boolean drained) {
        return with(phase, drained, readyAt, endedAt, data, jobs);
    }

    BurstState signalled() {
        return new BurstState(burstId, homeSite, burstSite, phase, traceparent, signals + 1, false, openedAt, readyAt,
                endedAt, data, jobs, failedStep, failureReason);
    }

    /** Winds the burst down for {@code reason}; the first reason is kept. */
    BurstState ending(String step, String reason) {
        if (failureReason != null) {
            return this;
        }
        return new BurstState(burstId, homeSite, burstSite, phase, traceparent, signals, queueDrained, openedAt,
                readyAt, endedAt, data, jobs, step, reason);
    }

    BurstState failed(String step, String reason, Instant at) {
        return new BurstState(burstId, homeSite, burstSite, Phase.FAILED, traceparent, signals, queueDrained,
                openedAt, readyAt, at, data, jobs, step, reason);
    }
}
