package io.spillway.burst.saga;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.spillway.burst.saga.SagaCommand.AnnounceReady;
import io.spillway.burst.saga.SagaCommand.RequestRestore;
import io.spillway.burst.saga.SagaCommand.Reroute;

import static io.spillway.burst.saga.Scenario.job;
import static io.spillway.burst.saga.Scenario.minute;
import static io.spillway.burst.saga.Scenario.readOnly;
import static io.spillway.burst.saga.Scenario.writable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The data phase: uploaded snapshots are restored at the burst site, and usable data moves the jobs. */
class DataPhaseTest {

    private final Scenario scenario = new Scenario();

    @Test
    void restoresEachUploadedSubpathAtTheBurstSiteOnItsOwn() {
        scenario.open(job("job-1", 2, readOnly("datasets", "imagenet")), job("job-2", 2, readOnly("datasets", "coco")));

        Decision decision = scenario.uploaded("datasets/imagenet", 5_000, 3);

        assertEquals(List.of(new RequestRestore("id-1", null, "id-4", "s3://spillway/datasets/imagenet", "cloud",
                "datasets", List.of(), Optional.empty())), decision.commands());
        assertEquals(TransferState.RESTORING, scenario.data("datasets/imagenet").state());
        assertEquals(5_000, scenario.data("datasets/imagenet").bytesUploaded());
        assertEquals(TransferState.SNAPSHOTTING, scenario.data("datasets/coco").state());
    }

    @Test
    void restoresAWholeFilesystemWithTheWritableSubpathsTheJobsMountFirst() {
        scenario.open(job("job-1", 2, writable("results", "job-1")), job("job-2", 2, writable("results", "job-2")));

        Decision decision = scenario.uploaded("results", 5_000, 3);

        assertEquals(List.of(new RequestRestore("id-1", null, "id-3", "s3://spillway/results", "cloud", "results",
                List.of("job-1", "job-2"), Optional.empty())), decision.commands());
    }

    @Test
    void theFirstJobMovesAsSoonAsItsOwnSubpathIsRestoredBeforeTheOthersDataHasLeftHome() {
        scenario.open(job("job-1", 2, readOnly("datasets", "imagenet")), job("job-2", 2, readOnly("datasets", "coco")));
        scenario.uploaded("datasets/imagenet", 5_000, 3);

        Decision first = scenario.restored("datasets/imagenet", 4);

        assertEquals(List.of(new AnnounceReady("id-1", "onprem", "cloud", List.of("datasets"), List.of("job-1")),
                new Reroute("id-1", "job-1", "onprem", "cloud")), first.commands());
        assertEquals(TransferState.SNAPSHOTTING, scenario.data("datasets/coco").state());
        scenario.uploaded("datasets/coco", 5_000, 5);
        assertEquals(List.of(new Reroute("id-1", "job-2", "onprem", "cloud")),
                scenario.restored("datasets/coco", 6).commands());
    }

    @Test
    void restoresEverythingAtOnceWhenAJobMountsTheWholeFilesystem() {
        scenario.open(job("job-1", 2, writable("datasets", "imagenet")), job("job-2", 2, readOnly("datasets", null)));

        Decision decision = scenario.uploaded("datasets", 5_000, 3);

        assertEquals(List.of(), ((RequestRestore) decision.commands().get(0)).priorityPaths());
    }

    @Test
    void announcesReadinessWithTheFirstJobsWhoseFilesystemsAreAllRestoredAndReroutesTheRestAsTheirsArrive() {
        scenario.open(job("job-1", 2, readOnly("datasets", null), writable("results", null)),
                job("job-2", 2, readOnly("datasets", null)));
        scenario.uploaded("datasets", 5_000, 3);
        scenario.uploaded("results", 100, 4);
        Decision first = scenario.restored("datasets", 8);

        Decision second = scenario.restored("results", 9);

        assertEquals(List.of(new AnnounceReady("id-1", "onprem", "cloud", List.of("datasets"), List.of("job-2")),
                new Reroute("id-1", "job-2", "onprem", "cloud")), first.commands());
        assertEquals(Phase.RUNNING, first.state().phase());
        assertEquals(minute(8), scenario.state.readyAt());
        assertEquals(List.of(new Reroute("id-1", "job-1", "onprem", "cloud")), second.commands());
        assertTrue(scenario.state.jobs().stream().allMatch(job -> job.state() == JobState.REROUTED));
    }

    @Test
    void priorityPathsOnlineMakeTheDataUsableBeforeTheWholeRestoreEnds() {
        scenario.open(job("job-1", 2, writable("results", "job-1")));
        scenario.uploaded("results", 5_000, 3);

        Decision decision = scenario.pathsReady("results", List.of("job-1"), 5);

        assertEquals(List.of(new AnnounceReady("id-1", "onprem", "cloud", List.of("results"), List.of("job-1")),
                new Reroute("id-1", "job-1", "onprem", "cloud")), decision.commands());
        assertEquals(TransferState.RESTORING, scenario.data("results").state());
    }

    @Test
    void otherPathsOnlineDoNotMoveAJob() {
        scenario.open(job("job-1", 2, writable("results", "job-1")));
        scenario.uploaded("results", 5_000, 3);

        Decision decision = scenario.pathsReady("results", List.of("job-2"), 5);

        assertEquals(List.of(), decision.commands());
        assertEquals(Phase.PREPARING, scenario.state.phase());
    }

    @Test
    void aFilesystemReadyWithNoPathsIsTheWholeFilesystem() {
        scenario.open(job("job-1", 2, readOnly("datasets", null)));
        scenario.uploaded("datasets", 5_000, 3);

        Decision decision = scenario.pathsReady("datasets", List.of(), 6);

        assertEquals(2, decision.commands().size());
        assertEquals(TransferState.RESTORED, scenario.data("datasets").state());
    }

    @Test
    void reportsTheRestoredFilesystemsForLaterSiteChoices() {
        scenario.open(job("job-1", 2, readOnly("datasets", null)));
        scenario.dataArrives(5_000, 7);

        assertEquals(List.of(new RecentRestore("cloud", "datasets", minute(7))), scenario.state.restores());
        assertEquals(2.0, scenario.state.gpusCommitted());
    }
}
