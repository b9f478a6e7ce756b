package io.spillway.burst.saga;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.spillway.burst.saga.SagaCommand.AnnounceReady;
import io.spillway.burst.saga.SagaCommand.RequestSnapshot;
import io.spillway.burst.saga.SagaCommand.Reroute;

import static io.spillway.burst.saga.Scenario.TRACEPARENT;
import static io.spillway.burst.saga.Scenario.job;
import static io.spillway.burst.saga.Scenario.minute;
import static io.spillway.burst.saga.Scenario.overflow;
import static io.spillway.burst.saga.Scenario.readOnly;
import static io.spillway.burst.saga.Scenario.writable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Opening a burst: where it goes, which jobs it takes, and the snapshots it asks for first. */
class OpeningTest {

    private final Scenario scenario = new Scenario();

    @Test
    void opensABurstThatSnapshotsWhatTheChosenJobsMountOnceAtHomeInTheOrderTheJobsWereChosen() {
        Decision decision = scenario.open(
                job("job-1", 2, readOnly("datasets", "imagenet"), writable("results", "job-1")),
                job("job-2", 2, readOnly("datasets", "coco"), readOnly("models", null), writable("results", "job-2")),
                job("job-3", 2, readOnly("datasets", "imagenet")));

        // Read-only subpaths on their own; a writable one (it may not exist yet at home) with its filesystem.
        assertEquals(List.of(new RequestSnapshot("id-1", null, "id-2", "onprem", "datasets", "imagenet"),
                new RequestSnapshot("id-1", null, "id-3", "onprem", "results", null),
                new RequestSnapshot("id-1", null, "id-4", "onprem", "datasets", "coco"),
                new RequestSnapshot("id-1", null, "id-5", "onprem", "models", null)), decision.commands());
        BurstState burst = decision.state();
        assertTrue(decision.changed());
        assertEquals("id-1", burst.burstId());
        assertEquals("onprem", burst.homeSite());
        assertEquals("cloud", burst.burstSite());
        assertEquals(Phase.PREPARING, burst.phase());
        assertEquals(TRACEPARENT, burst.traceparent());
        assertEquals(minute(0), burst.openedAt());
        assertEquals(List.of("job-1", "job-2", "job-3"), burst.jobs().stream().map(BurstJob::jobId).toList());
        assertTrue(burst.jobs().stream().allMatch(job -> job.state() == JobState.CHOSEN));
    }

    @Test
    void takesTheWaitingJobsInOrderAsFarAsTheBurstSiteHasGpus() {
        Decision decision = scenario.open(
                job("job-1", 4, readOnly("datasets", null)),
                job("job-2", 6, readOnly("models", null)),
                job("job-3", 3, readOnly("datasets", null)),
                job("job-4", 2, readOnly("scratch", null)));

        assertEquals(List.of("job-1", "job-3"), decision.state().jobs().stream().map(BurstJob::jobId).toList());
        assertEquals(List.of(new RequestSnapshot("id-1", null, "id-2", "onprem", "datasets", null)),
                decision.commands());
    }

    @Test
    void goesToTheSiteThatRestoredTheDataRecently() {
        Scenario twoSites = new Scenario(List.of(new BurstSite("cloud", 8), new BurstSite("edge", 8)));
        SiteUsage usage = new SiteUsage(Map.of(), List.of(new RecentRestore("edge", "datasets", minute(-60))));

        Decision decision = twoSites.signal(overflow(job("job-1", 2, readOnly("datasets", null))), usage, 0);

        assertEquals("edge", decision.state().burstSite());
    }

    @Test
    void jobsThatMountNothingAreReroutedAtOnce() {
        Decision decision = scenario.open(job("job-1", 1));

        assertEquals(List.of(new AnnounceReady("id-1", "onprem", "cloud", List.of(), List.of("job-1")),
                new Reroute("id-1", "job-1", "onprem", "cloud")), decision.commands());
        assertEquals(Phase.RUNNING, decision.state().phase());
    }

    @Test
    void opensNoBurstWhenNoWaitingJobMayBurst() {
        Decision decision = scenario.open();

        assertNull(decision.state());
        assertFalse(decision.changed());
        assertTrue(decision.commands().isEmpty());
        assertEquals("no waiting job at onprem may burst", decision.note());
    }

    @Test
    void opensNoBurstWhenNoSiteHasRoomAndSaysSo() {
        Decision decision = scenario.open(job("job-1", 12, readOnly("datasets", null)));

        assertNull(decision.state());
        assertTrue(decision.commands().isEmpty());
        assertEquals("no burst site has room for any of the 1 jobs that may burst from onprem", decision.note());
    }

    @Test
    void opensNoBurstForTheBurstSiteItself() {
        Decision decision = scenario.saga.onQueueOverflow(Optional.empty(),
                new QueueOverflow("cloud", null, List.of(job("job-1", 1))), SiteUsage.none(), minute(0));

        assertNull(decision.state());
        assertTrue(decision.commands().isEmpty());
    }

    @Test
    void aClosedBurstOfTheSiteDoesNotStopANewOne() {
        scenario.open(job("job-1", 2, readOnly("datasets", null)));
        scenario.snapshotFailed("datasets", "disk full", 1);

        Decision decision = scenario.signal(overflow(job("job-1", 2, readOnly("datasets", null))),
                SiteUsage.none(), 2);

        assertEquals("id-3", decision.state().burstId());
        assertEquals(List.of(new RequestSnapshot("id-3", null, "id-4", "onprem", "datasets", null)),
                decision.commands());
    }
}
