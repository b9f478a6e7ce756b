package io.spillway.burst.saga;

import java.time.Instant;
import java.util.List;

/**
 * One job of a burst and its results.
 *
 * @param note why the job stayed home, for a person; {@code null} otherwise
 * @param handedOverAt when the home site handed it over, so it is queued at the burst site, or when the burst site
 *        last refused to send it back (it was starting there): its start deadline runs from then; {@code null} before
 * @param returnAskedAt when the saga asked the burst site to send it back home ({@link JobState#RETURNING})
 * @param results the transfers that bring its outputs home, once it ended at the burst site
 * @param answerOverdueSince when the saga stopped waiting for the answer to the job's latest move (the home site's
 *        to its reroute: {@link JobState#STAYED_HOME}; the burst site's to its return: {@link JobState#RETURNED})
 *        while that answer is still to come; {@code null} otherwise. The answer may still move the job, or say that
 *        it started at the burst site, so the burst stays open until it comes.
 */
public record BurstJob(
        String jobId,
        String project,
        double gpus,
        List<Volume> volumes,
        JobState state,
        String note,
        Instant reroutedAt,
        Instant endedAt,
        List<Transfer> results,
        Instant handedOverAt,
        Instant returnAskedAt,
        Instant answerOverdueSince) {

    public BurstJob {
        volumes = List.copyOf(volumes);
        results = List.copyOf(results);
    }

    /** A job that has not been queued at the burst site, nor asked back. */
    public BurstJob(String jobId, String project, double gpus, List<Volume> volumes, JobState state, String note,
            Instant reroutedAt, Instant endedAt, List<Transfer> results) {
        this(jobId, project, gpus, volumes, state, note, reroutedAt, endedAt, results, null, null, null);
    }

    static BurstJob chosen(Candidate candidate) {
        return new BurstJob(candidate.jobId(), candidate.project(), candidate.gpus(), candidate.volumes(),
                JobState.CHOSEN, null, null, null, List.of(), null, null, null);
    }

    public List<String> filesystems() {
        return volumes.stream().map(Volume::filesystem).distinct().toList();
    }

    /** What the job may have written: its writable mounts, each once. */
    public List<Volume> outputs() {
        return volumes.stream().filter(volume -> !volume.readOnly()).distinct().toList();
    }

    public ResultsState resultsState() {
        if (!state.ranAtBurstSite()) {
            return state.active() ? ResultsState.NOT_YET : ResultsState.NONE;
        }
        if (results.isEmpty()) {
            return ResultsState.NONE;
        }
        if (!results.stream().allMatch(result -> result.state().ended())) {
            return ResultsState.TRAVELLING;
        }
        return results.stream().anyMatch(result -> result.state() == TransferState.FAILED) ? ResultsState.FAILED
                : ResultsState.HOME;
    }

    /**
     * Whether the saga gave up waiting for a site's answer about this job that has not come yet: until it does, the
     * job may be (or be about to start) at the burst site without the saga knowing.
     */
    public boolean awaitsAnswer() {
        return answerOverdueSince != null;
    }

    /** In {@code newState} because of a fact about the job (which settles any answer it awaited). */
    BurstJob withState(JobState newState, String newNote) {
        return new BurstJob(jobId, project, gpus, volumes, newState, newNote, reroutedAt, endedAt, results,
                handedOverAt, returnAskedAt, null);
    }

    /**
     * In {@code newState} because the answer to its move did not come in time: the saga stops waiting for the move,
     * not for the answer, which still comes (the site the job leaves answers every reroute).
     */
    BurstJob answerOverdue(JobState newState, String newNote, Instant at) {
        return new BurstJob(jobId, project, gpus, volumes, newState, newNote, reroutedAt, endedAt, results,
                handedOverAt, returnAskedAt, at);
    }

    /** The overdue answer came and left the job where the saga already believed it was. */
    BurstJob answered() {
        return new BurstJob(jobId, project, gpus, volumes, state, note, reroutedAt, endedAt, results, handedOverAt,
                returnAskedAt, null);
    }

    BurstJob rerouted(Instant at) {
        return new BurstJob(jobId, project, gpus, volumes, JobState.REROUTED, null, at, endedAt, results, null, null,
                null);
    }

    /** Queued at the burst site (again) from {@code at}: waits there to start, under the start deadline. */
    BurstJob queuedAtBurstSite(Instant at) {
        return new BurstJob(jobId, project, gpus, volumes, JobState.REROUTED, null, reroutedAt, endedAt, results, at,
                null, null);
    }

    BurstJob returning(Instant at, String why) {
        return new BurstJob(jobId, project, gpus, volumes, JobState.RETURNING, why, reroutedAt, endedAt, results,
                handedOverAt, at, null);
    }

    BurstJob ended(JobState endState, Instant at, List<Transfer> outputs) {
        return new BurstJob(jobId, project, gpus, volumes, endState, note, reroutedAt, at, outputs, handedOverAt,
                returnAskedAt, null);
    }

    BurstJob withResults(List<Transfer> newResults) {
        return new BurstJob(jobId, project, gpus, volumes, state, note, reroutedAt, endedAt, newResults, handedOverAt,
                returnAskedAt, answerOverdueSince);
    }
}
