package io.spillway.burst.saga;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.spillway.burst.saga.SagaCommand.AnnounceReady;
import io.spillway.burst.saga.SagaCommand.Release;
import io.spillway.burst.saga.SagaCommand.RequestRestore;
import io.spillway.burst.saga.SagaCommand.RequestSnapshot;
import io.spillway.burst.saga.SagaCommand.Reroute;

import static io.spillway.burst.saga.Scenario.job;
import static io.spillway.burst.saga.Scenario.overflow;
import static io.spillway.burst.saga.Scenario.readOnly;
import static io.spillway.burst.saga.Scenario.writable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A second signal for a home site with an open burst extends that burst instead of opening another. */
class ExtensionTest {

    private final Scenario scenario = new Scenario();

    @Test
    void whilePreparingNewJobsJoinAndOnlyTheirNewFilesystemsAreSnapshotted() {
        scenario.open(job("job-1", 2, readOnly("datasets", null)));

        Decision decision = scenario.signal(overflow(job("job-1", 2, readOnly("datasets", null)),
                job("job-2", 2, readOnly("datasets", null), readOnly("models", null))), SiteUsage.none(), 2);

        assertEquals("id-1", decision.state().burstId());
        assertEquals(2, decision.state().signals());
        assertEquals(List.of(new RequestSnapshot("id-1", null, "id-3", "onprem", "models", null)),
                decision.commands());
        assertEquals(List.of("job-1", "job-2"), scenario.state.jobs().stream().map(BurstJob::jobId).toList());
    }

    @Test
    void whilePreparingANewJobWaitsForItsOwnDataWhileTheFirstMoves() {
        scenario.open(job("job-1", 2, readOnly("datasets", null)));
        scenario.signal(overflow(job("job-2", 2, readOnly("models", null))), SiteUsage.none(), 1);
        scenario.uploaded("datasets", 100, 2);
        Decision datasetsOnly = scenario.restored("datasets", 3);
        scenario.uploaded("models", 100, 4);

        Decision both = scenario.restored("models", 5);

        assertEquals(List.of(new AnnounceReady("id-1", "onprem", "cloud", List.of("datasets"), List.of("job-1")),
                new Reroute("id-1", "job-1", "onprem", "cloud")), datasetsOnly.commands());
        assertEquals(List.of(new Reroute("id-1", "job-2", "onprem", "cloud")), both.commands());
    }

    @Test
    void whilePreparingANewJobsWritableSubpathJoinsThePriorityPathsOfARestoreNotYetAskedFor() {
        scenario.open(job("job-1", 2, writable("results", "job-1")));
        scenario.signal(overflow(job("job-2", 2, writable("results", "job-2"))), SiteUsage.none(), 1);

        Decision decision = scenario.uploaded("results", 100, 2);

        assertEquals(List.of("job-1", "job-2"), ((RequestRestore) decision.commands().get(0)).priorityPaths());
    }

    @Test
    void whilePreparingANewJobsReadOnlySubpathGetsASnapshotOfItsOwn() {
        scenario.open(job("job-1", 2, readOnly("datasets", "imagenet")));

        Decision decision = scenario.signal(overflow(job("job-2", 2, readOnly("datasets", "coco"))),
                SiteUsage.none(), 1);

        assertEquals(List.of(new RequestSnapshot("id-1", null, "id-3", "onprem", "datasets", "coco")),
                decision.commands());
    }

    @Test
    void whileRunningANewJobWhoseDataIsThereIsReroutedAtOnce() {
        scenario.open(job("job-1", 2, readOnly("datasets", null)));
        scenario.dataArrives(100, 3);

        Decision decision = scenario.signal(overflow(job("job-2", 2, readOnly("datasets", null))),
                SiteUsage.none(), 4);

        assertEquals(List.of(new Reroute("id-1", "job-2", "onprem", "cloud")), decision.commands());
    }

    @Test
    void whileRunningANewJobWaitsForItsOwnSubpathToComeOnline() {
        scenario.open(job("job-1", 2, writable("results", "job-1")));
        scenario.uploaded("results", 100, 2);
        scenario.pathsReady("results", List.of("job-1"), 3);

        Decision joined = scenario.signal(overflow(job("job-2", 2, writable("results", "job-2"))),
                SiteUsage.none(), 4);
        Decision online = scenario.pathsReady("results", List.of("job-2"), 5);

        assertEquals(List.of(), joined.commands());
        assertEquals(List.of(new Reroute("id-1", "job-2", "onprem", "cloud")), online.commands());
    }

    @Test
    void whileRunningANewJobWithAnotherReadOnlySubpathMovesOnceItsOwnSnapshotIsRestored() {
        scenario.open(job("job-1", 2, readOnly("datasets", "imagenet")));
        scenario.dataArrives(100, 3);

        Decision joined = scenario.signal(overflow(job("job-2", 2, readOnly("datasets", "coco"))),
                SiteUsage.none(), 4);
        scenario.uploaded("datasets/coco", 100, 5);
        Decision online = scenario.restored("datasets/coco", 6);

        assertEquals(List.of(new RequestSnapshot("id-1", null, "id-4", "onprem", "datasets", "coco")),
                joined.commands());
        assertEquals(List.of(new Reroute("id-1", "job-2", "onprem", "cloud")), online.commands());
    }

    @Test
    void aJobMountingASubpathOfOneAlreadyMovingNeedsNoSnapshotOfItsOwn() {
        scenario.open(job("job-1", 2, readOnly("datasets", "imagenet")));

        Decision joined = scenario.signal(overflow(job("job-2", 2, readOnly("datasets", "imagenet/train"))),
                SiteUsage.none(), 1);
        scenario.uploaded("datasets/imagenet", 100, 2);
        Decision restored = scenario.restored("datasets/imagenet", 3);

        assertEquals(List.of(), joined.commands());
        assertEquals(List.of("job-1", "job-2"), ((AnnounceReady) restored.commands().get(0)).jobIds());
    }

    @Test
    void whileRunningANewJobWithNewDataGetsItsOwnSnapshotAndRestoreThenMoves() {
        scenario.open(job("job-1", 2, readOnly("datasets", null)));
        scenario.dataArrives(100, 3);

        Decision joined = scenario.signal(overflow(job("job-2", 2, readOnly("models", null))),
                SiteUsage.none(), 4);
        scenario.uploaded("models", 50, 5);
        Decision restored = scenario.restored("models", 6);

        assertEquals(List.of(new RequestSnapshot("id-1", null, "id-4", "onprem", "models", null)), joined.commands());
        assertEquals(List.of(new Reroute("id-1", "job-2", "onprem", "cloud")), restored.commands());
    }

    @Test
    void takesOnlyTheNewJobsThatFitTheGpusLeftAndSaysWhichStayHome() {
        scenario.open(job("job-1", 6, readOnly("datasets", null)));

        Decision decision = scenario.signal(overflow(job("job-2", 4, readOnly("datasets", null)),
                job("job-3", 2, readOnly("datasets", null))), SiteUsage.none(), 1);

        assertEquals(List.of("job-1", "job-3"), scenario.state.jobs().stream().map(BurstJob::jobId).toList());
        assertEquals("1 of 2 new candidates do not fit the 2.0 GPUs left at cloud and stay queued at onprem",
                decision.note());
    }

    @Test
    void countsWhatOtherBurstsHoldAtTheBurstSite() {
        scenario.open(job("job-1", 2, readOnly("datasets", null)));

        scenario.signal(overflow(job("job-2", 2, readOnly("datasets", null))),
                new SiteUsage(Map.of("cloud", 5.0), List.of()), 1);

        assertEquals(List.of("job-1"), scenario.state.jobs().stream().map(BurstJob::jobId).toList());
    }

    @Test
    void aNewSignalMeansTheQueueIsNoLongerDrained() {
        scenario.open(job("job-1", 2, readOnly("datasets", null)));
        scenario.dataArrives(100, 3);
        scenario.drained(4);

        scenario.signal(overflow(job("job-1", 2, readOnly("datasets", null))), SiteUsage.none(), 5);
        scenario.started("job-1", "cloud", 6);
        Decision ended = scenario.ended("job-1", "cloud", true, 7);

        assertFalse(scenario.state.queueDrained());
        assertEquals(List.of(), ended.commands());
        assertEquals(Phase.RUNNING, scenario.state.phase());
        assertTrue(scenario.drained(10).commands().stream().anyMatch(Release.class::isInstance));
    }

    @Test
    void refusesASignalOfAnotherSiteForThisBurst() {
        scenario.open(job("job-1", 2, readOnly("datasets", null)));

        assertThrows(IllegalArgumentException.class, () -> scenario.saga.onQueueOverflow(
                Optional.of(scenario.state), new QueueOverflow("lab", null, List.of()), SiteUsage.none(),
                Scenario.minute(1)));
    }
}
