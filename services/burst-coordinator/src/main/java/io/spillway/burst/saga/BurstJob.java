package io.spillway.burst.saga;

import java.time.Instant;
import java.util.List;

/**
 * One job of a burst and its results.
 *
 * @param note why the job stayed home, for a person; {@code null} otherwise
 * @param results the transfers that bring its outputs home, once it ended at the burst site
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
        List<Transfer> results) {

    public BurstJob {
        volumes = List.copyOf(volumes);
        results = List.copyOf(results);
    }

    static BurstJob chosen(Candidate candidate) {
        return new BurstJob(candidate.jobId(), candidate.project(), candidate.gpus(), candidate.volumes(),
                JobState.CHOSEN, null, null, null, List.of());
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

    BurstJob withState(JobState newState, String newNote) {
        return new BurstJob(jobId, project, gpus, volumes, newState, newNote, reroutedAt, endedAt, results);
    }

    BurstJob rerouted(Instant at) {
        return new BurstJob(jobId, project, gpus, volumes, JobState.REROUTED, null, at, endedAt, results);
    }

    BurstJob ended(JobState endState, Instant at, List<Transfer> outputs) {
        return new BurstJob(jobId, project, gpus, volumes, endState, note, reroutedAt, at, outputs);
    }

    BurstJob withResults(List<Transfer> newResults) {
        return new BurstJob(jobId, project, gpus, volumes, state, note, reroutedAt, endedAt, newResults);
    }
}
