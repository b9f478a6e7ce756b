package io.spillway.burst.messaging;

import java.util.List;
import java.util.Map;

import io.spillway.burst.saga.SagaCommand;
import io.spillway.schemas.BurstEvent.BurstFailed;
import io.spillway.schemas.BurstEvent.ClusterBurstReady;
import io.spillway.schemas.BurstEvent.ClusterBurstReleased;
import io.spillway.schemas.JobEvent.JobRerouted;
import io.spillway.schemas.SpillwayEvent;
import io.spillway.schemas.StorageEvent.RestoreRequested;
import io.spillway.schemas.StorageEvent.SnapshotRequested;

/** The event each saga command is sent as. */
final class CommandEvents {

    private CommandEvents() {
    }

    static SpillwayEvent event(SagaCommand command) {
        if (command instanceof SagaCommand.RequestSnapshot snapshot) {
            return new SnapshotRequested(snapshot.snapshotId(), snapshot.site(), snapshot.filesystem(),
                    snapshot.path(), snapshot.burstId());
        }
        if (command instanceof SagaCommand.RequestRestore restore) {
            return new RestoreRequested(restore.restoreId(), restore.locator(), restore.site(), restore.filesystem(),
                    restore.priorityPaths(), restore.burstId(), restore.targetPath().orElse(null));
        }
        if (command instanceof SagaCommand.AnnounceReady ready) {
            return new ClusterBurstReady(ready.burstId(), ready.homeSite(), ready.burstSite(), ready.filesystems(),
                    ready.jobIds());
        }
        if (command instanceof SagaCommand.Reroute reroute) {
            return new JobRerouted(reroute.jobId(), reroute.fromSite(), reroute.toSite(), reroute.burstId(),
                    reroute.answerBy() == null ? null : reroute.answerBy().toString());
        }
        if (command instanceof SagaCommand.Fail fail) {
            return new BurstFailed(fail.burstId(), fail.homeSite(), fail.burstSite(), fail.step(), fail.reason());
        }
        SagaCommand.Release release = (SagaCommand.Release) command;
        return new ClusterBurstReleased(release.burstId(), release.homeSite(), release.burstSite(), release.jobsRun(),
                release.bytesToBurstSite(), release.bytesToHomeSite(), release.phaseDurationsMs(),
                resultsNotHome(release.resultsNotHome()));
    }

    /** The job whose trace the command's event continues, or {@code null} for a burst-level event. */
    static String jobOf(SagaCommand command) {
        if (command instanceof SagaCommand.RequestSnapshot snapshot) {
            return snapshot.jobId();
        }
        if (command instanceof SagaCommand.RequestRestore restore) {
            return restore.jobId();
        }
        if (command instanceof SagaCommand.Reroute reroute) {
            return reroute.jobId();
        }
        return null;
    }

    /** {@code "<jobId>: <why>"} per job, in job id order so the event is the same however the map iterates. */
    private static List<String> resultsNotHome(Map<String, String> reasons) {
        return reasons.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(entry -> entry.getKey() + ": " + entry.getValue()).toList();
    }
}
