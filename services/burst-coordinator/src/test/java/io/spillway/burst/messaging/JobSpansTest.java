package io.spillway.burst.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.spillway.burst.saga.BurstJob;
import io.spillway.burst.saga.BurstState;
import io.spillway.burst.saga.JobState;
import io.spillway.burst.saga.Phase;
import io.spillway.burst.saga.SagaCommand;
import io.spillway.burst.saga.Transfer;
import io.spillway.burst.saga.TransferState;
import io.spillway.burst.saga.Volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which spans each decision puts into its jobs' traces, and with which times. */
class JobSpansTest {

    private static final Instant T0 = Instant.parse("2026-03-04T05:00:00Z");
    private static final String SIGNAL = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void eachJobChosenGetsADecisionSpanAndAJobAlreadyInTheBurstGetsNone() {
        BurstState opened = burst(Phase.PREPARING, List.of(snapshotting()), job("j1", JobState.CHOSEN),
                job("j2", JobState.CHOSEN));

        List<JobSpans.Planned> atOpening = JobSpans.plan(null, opened, List.of(), at(0));
        assertEquals(List.of("j1", "j2"), atOpening.stream().map(JobSpans.Planned::jobId).toList());
        JobSpans.Planned first = atOpening.get(0);
        assertEquals(JobSpans.DECISION, first.name());
        assertEquals("b1", first.attributes().get(JobSpans.BURST_ID));
        assertEquals("j1", first.attributes().get(JobSpans.JOB_ID));
        assertEquals("false", first.attributes().get("spillway.burst.extended"));

        BurstState extended = burst(Phase.PREPARING, List.of(snapshotting()), job("j1", JobState.CHOSEN),
                job("j2", JobState.CHOSEN), job("j3", JobState.CHOSEN));
        List<JobSpans.Planned> atExtension = JobSpans.plan(opened, extended, List.of(), at(1));
        assertEquals(List.of("j3"), atExtension.stream().map(JobSpans.Planned::jobId).toList());
        assertEquals("true", atExtension.get(0).attributes().get("spillway.burst.extended"));
    }

    @Test
    void aRerouteShowsTheSharedSnapshotAndRestoreWithTheirOwnTimesThenTheRerouteThatItsEventContinues() {
        Transfer restored = new Transfer("datasets", null, null, TransferState.RESTORED, "s1", at(0), "loc", 4096,
                at(2), "r1", at(2), List.of(), at(5), null);
        BurstState before = burst(Phase.PREPARING, List.of(restored), job("j1", JobState.CHOSEN));
        BurstState after = burst(Phase.RUNNING, List.of(restored), job("j1", JobState.REROUTED));
        SagaCommand.Reroute reroute = new SagaCommand.Reroute("b1", "j1", "onprem", "cloud");

        List<JobSpans.Planned> planned = JobSpans.plan(before, after, List.of(
                new SagaCommand.AnnounceReady("b1", "onprem", "cloud", List.of("datasets"), List.of("j1")),
                reroute), at(6));

        assertEquals(List.of(JobSpans.SNAPSHOT, JobSpans.RESTORE, JobSpans.REROUTE),
                planned.stream().map(JobSpans.Planned::name).toList());
        JobSpans.Planned snapshot = planned.get(0);
        assertEquals(List.of(at(0), at(2)), List.of(snapshot.start(), snapshot.end()));
        assertEquals("onprem", snapshot.attributes().get("spillway.site"));
        assertEquals("4096", snapshot.attributes().get("spillway.snapshot.bytes_uploaded"));
        JobSpans.Planned restore = planned.get(1);
        assertEquals(List.of(at(2), at(5)), List.of(restore.start(), restore.end()));
        assertEquals("cloud", restore.attributes().get("spillway.site"));
        assertEquals("true", restore.attributes().get("spillway.restore.complete"));
        assertSame(reroute, planned.get(2).command(), "the JobRerouted event continues the reroute span");
        assertTrue(planned.stream().allMatch(span -> "j1".equals(span.jobId())));
    }

    @Test
    void aJobMovedOnItsPriorityPathsWaitedForTheRestoreUntilItsReroute() {
        Transfer online = new Transfer("datasets", null, null, TransferState.RESTORING, "s1", at(0), "loc", 1, at(2),
                "r1", at(2), List.of("imagenet"), null, null);
        BurstState before = burst(Phase.PREPARING, List.of(online), job("j1", JobState.CHOSEN));
        BurstState after = burst(Phase.RUNNING, List.of(online), job("j1", JobState.REROUTED));

        JobSpans.Planned restore = JobSpans.plan(before, after,
                List.of(new SagaCommand.Reroute("b1", "j1", "onprem", "cloud")), at(3)).get(1);

        assertEquals(List.of(at(2), at(3)), List.of(restore.start(), restore.end()));
        assertEquals("false", restore.attributes().get("spillway.restore.complete"));
        assertEquals("imagenet", restore.attributes().get("spillway.restore.ready_paths"));
    }

    @Test
    void eachSubpathMovedOnItsOwnIsShownForTheJobsThatMountItOnly() {
        Transfer imagenet = new Transfer("datasets", "imagenet", null, TransferState.RESTORED, "s1", at(0), "l1", 10,
                at(1), "r1", at(1), List.of(), at(2), null);
        Transfer coco = new Transfer("datasets", "coco", null, TransferState.RESTORED, "s2", at(0), "l2", 20, at(3),
                "r2", at(3), List.of(), at(4), null);
        Transfer other = new Transfer("datasets", "laion", null, TransferState.RESTORED, "s3", at(0), "l3", 30, at(1),
                "r3", at(1), List.of(), at(2), null);
        BurstJob reader = new BurstJob("j1", "vision", 1, List.of(new Volume("datasets", "imagenet/train", true),
                new Volume("datasets", "coco", true)), JobState.REROUTED, null, null, null, List.of());
        BurstState after = new BurstState("b1", "onprem", "cloud", Phase.RUNNING, SIGNAL, 1, false, at(0), at(4), null,
                List.of(imagenet, coco, other), List.of(reader), null, null);

        List<JobSpans.Planned> planned = JobSpans.plan(after, after,
                List.of(new SagaCommand.Reroute("b1", "j1", "onprem", "cloud")), at(5));

        assertEquals(List.of("burst.snapshot imagenet", "burst.restore imagenet", "burst.snapshot coco",
                "burst.restore coco", "burst.reroute null"),
                planned.stream()
                        .map(span -> span.name() + " " + span.attributes().get("spillway.path")).toList());
        assertEquals(List.of(at(3), at(4)), List.of(planned.get(3).start(), planned.get(3).end()));
    }

    @Test
    void resultsCommandsAreSpansOfTheirJobAndBurstLevelCommandsAreNone() {
        BurstState running = burst(Phase.RUNNING, List.of(), job("j1", JobState.SUCCEEDED));
        SagaCommand.RequestSnapshot results = new SagaCommand.RequestSnapshot("b1", "j1", "s2", "cloud", "results",
                "j1");
        SagaCommand.RequestRestore home = new SagaCommand.RequestRestore("b1", "j1", "r2", "loc2", "onprem",
                "results", List.of(), Optional.of(".spillway-bursts/b1/j1"));

        List<JobSpans.Planned> planned = JobSpans.plan(running, running, List.of(results, home,
                new SagaCommand.RequestSnapshot("b1", null, "s3", "onprem", "datasets", null),
                new SagaCommand.Release("b1", "onprem", "cloud", 1, 1, 1, java.util.Map.of(), java.util.Map.of())),
                at(9));

        assertEquals(List.of(JobSpans.RESULTS_SNAPSHOT, JobSpans.RESULTS_RESTORE),
                planned.stream().map(JobSpans.Planned::name).toList());
        assertSame(results, planned.get(0).command());
        assertEquals("cloud", planned.get(0).attributes().get("spillway.site"));
        assertSame(home, planned.get(1).command());
        assertEquals(".spillway-bursts/b1/j1", planned.get(1).attributes().get("spillway.target.path"));
    }

    private static Transfer snapshotting() {
        return new Transfer("datasets", null, null, TransferState.SNAPSHOTTING, "s1", at(0), null, 0, null, null,
                null, List.of(), null, null);
    }

    private static BurstJob job(String jobId, JobState state) {
        return new BurstJob(jobId, "vision", 1, List.of(new Volume("datasets", null, true)), state, null, null, null,
                List.of());
    }

    private static BurstState burst(Phase phase, List<Transfer> data, BurstJob... jobs) {
        return new BurstState("b1", "onprem", "cloud", phase, SIGNAL, 1, false, at(0), null, null, data,
                List.of(jobs), null, null);
    }

    private static Instant at(int minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }
}
