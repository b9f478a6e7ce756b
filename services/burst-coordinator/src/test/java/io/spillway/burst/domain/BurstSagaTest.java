package io.spillway.burst.domain;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.spillway.burst.domain.Command.RequestSnapshot;
import io.spillway.burst.domain.Decision.Outcome;
import io.spillway.burst.domain.QueueSignal.Candidate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BurstSagaTest {

    private static final Instant NOW = Instant.parse("2025-03-04T05:06:07Z");

    private final AtomicInteger ids = new AtomicInteger();
    private final BurstSaga saga = new BurstSaga("cloud", () -> "id-" + ids.incrementAndGet(),
            Clock.fixed(NOW, ZoneOffset.UTC));

    private final QueueSignal signal = new QueueSignal("onprem", 12, 10, List.of(
            new Candidate("job-1", List.of("datasets")),
            new Candidate("job-2", List.of("results", "datasets")),
            new Candidate("job-3", List.of("results"))));

    @Test
    void opensABurstThatSnapshotsEachDistinctFilesystemOnce() {
        Decision decision = saga.onThresholdExceeded(Optional.empty(), signal);

        assertEquals(Outcome.OPENED, decision.outcome());
        Burst burst = decision.burst();
        assertEquals("id-1", burst.burstId());
        assertEquals("onprem", burst.homeSite());
        assertEquals("cloud", burst.burstSite());
        assertEquals(BurstState.SNAPSHOTTING, burst.state());
        assertEquals(List.of("job-1", "job-2", "job-3"), burst.candidateJobIds());
        assertEquals(List.of("datasets", "results"), burst.filesystems());
        assertEquals(1, burst.signals());
        assertEquals(NOW, burst.openedAt());
        assertEquals(List.of(new RequestSnapshot("id-2", "onprem", "datasets", "id-1"),
                new RequestSnapshot("id-3", "onprem", "results", "id-1")), decision.commands());
        assertEquals(List.of(new BurstSnapshot("datasets", "id-2", SnapshotState.REQUESTED, null, null),
                new BurstSnapshot("results", "id-3", SnapshotState.REQUESTED, null, null)), burst.snapshots());
    }

    @Test
    void absorbsASecondSignalForASiteWithAnOpenBurstWithoutNewCommands() {
        Burst open = saga.onThresholdExceeded(Optional.empty(), signal).burst();
        QueueSignal again = new QueueSignal("onprem", 14, 10, List.of(new Candidate("job-3", List.of("results")),
                new Candidate("job-4", List.of("datasets"))));

        Decision decision = saga.onThresholdExceeded(Optional.of(open), again);

        assertEquals(Outcome.UPDATED, decision.outcome());
        assertEquals(List.of(), decision.commands());
        assertEquals(open.burstId(), decision.burst().burstId());
        assertEquals(2, decision.burst().signals());
        assertEquals(List.of("job-1", "job-2", "job-3", "job-4"), decision.burst().candidateJobIds());
        assertEquals(open.snapshots(), decision.burst().snapshots());
    }

    @Test
    void opensNoBurstForTheBurstSiteItself() {
        Decision decision = saga.onThresholdExceeded(Optional.empty(),
                new QueueSignal("cloud", 12, 10, signal.candidates()));

        assertEquals(Outcome.UNCHANGED, decision.outcome());
        assertNull(decision.burst());
        assertTrue(decision.commands().isEmpty());
    }

    @Test
    void opensNoBurstWhenNoWaitingJobMayBurst() {
        Decision decision = saga.onThresholdExceeded(Optional.empty(), new QueueSignal("onprem", 12, 10, List.of()));

        assertEquals(Outcome.UNCHANGED, decision.outcome());
        assertTrue(decision.commands().isEmpty());
    }

    @Test
    void opensABurstWithNothingToSnapshotWhenTheCandidatesMountNoFilesystem() {
        Decision decision = saga.onThresholdExceeded(Optional.empty(),
                new QueueSignal("onprem", 12, 10, List.of(new Candidate("job-1", List.of()))));

        assertEquals(Outcome.OPENED, decision.outcome());
        assertEquals(BurstState.SNAPSHOTTED, decision.burst().state());
        assertTrue(decision.commands().isEmpty());
    }

    @Test
    void recordsAnUploadedSnapshotAndIsSnapshottedWhenAllAre() {
        Burst burst = saga.onThresholdExceeded(Optional.empty(), signal).burst();

        Decision first = saga.onSnapshotUploaded(burst, "id-2", "snapshots/datasets/id-2.json");
        assertEquals(Outcome.UPDATED, first.outcome());
        assertEquals(BurstState.SNAPSHOTTING, first.burst().state());
        assertEquals(new BurstSnapshot("datasets", "id-2", SnapshotState.UPLOADED, "snapshots/datasets/id-2.json",
                null), first.burst().snapshot("id-2").orElseThrow());

        Decision second = saga.onSnapshotUploaded(first.burst(), "id-3", "snapshots/results/id-3.json");
        assertEquals(BurstState.SNAPSHOTTED, second.burst().state());
        assertTrue(second.commands().isEmpty());
    }

    @Test
    void changesNothingForAnUploadRecordedAlready() {
        Burst burst = saga.onThresholdExceeded(Optional.empty(), signal).burst();
        Burst uploaded = saga.onSnapshotUploaded(burst, "id-2", "snapshots/datasets/id-2.json").burst();

        assertEquals(Outcome.UNCHANGED,
                saga.onSnapshotUploaded(uploaded, "id-2", "snapshots/datasets/id-2.json").outcome());
    }

    @Test
    void changesNothingForASnapshotThatIsNotTheBursts() {
        Burst burst = saga.onThresholdExceeded(Optional.empty(), signal).burst();

        assertEquals(Outcome.UNCHANGED, saga.onSnapshotUploaded(burst, "other", "x").outcome());
        assertEquals(Outcome.UNCHANGED, saga.onSnapshotFailed(burst, "other", "x").outcome());
    }

    @Test
    void failsTheBurstWhenOneOfItsSnapshotsFails() {
        Burst burst = saga.onThresholdExceeded(Optional.empty(), signal).burst();

        Decision decision = saga.onSnapshotFailed(burst, "id-3", "FILESYSTEM_NOT_FOUND: no results");

        assertEquals(BurstState.FAILED, decision.burst().state());
        assertEquals(false, decision.burst().open());
        assertEquals(SnapshotState.FAILED, decision.burst().snapshot("id-3").orElseThrow().state());
        assertTrue(decision.burst().failureReason().contains("results"));
        assertTrue(decision.commands().isEmpty());
    }

    @Test
    void opensANewBurstAfterTheLastOneFailed() {
        Burst failed = saga.onSnapshotFailed(saga.onThresholdExceeded(Optional.empty(), signal).burst(), "id-2",
                "boom").burst();

        // The adapter looks up open bursts only; a failed one is not, so the next signal starts afresh.
        assertEquals(false, failed.open());
        Decision next = saga.onThresholdExceeded(Optional.empty(), signal);
        assertEquals(Outcome.OPENED, next.outcome());
        assertEquals(2, next.commands().size());
    }
}
