package io.spillway.burst.saga;

import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import static io.spillway.burst.saga.Scenario.job;
import static io.spillway.burst.saga.Scenario.minute;
import static io.spillway.burst.saga.Scenario.overflow;
import static io.spillway.burst.saga.Scenario.readOnly;
import static io.spillway.burst.saga.Scenario.writable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Delivery is at least once: every input that arrives again, late, or for something else changes nothing. */
class IdempotenceTest {

    private final Scenario scenario = new Scenario();

    private void burst() {
        scenario.open(job("job-1", 2, readOnly("datasets", "imagenet"), writable("results", null)),
                job("job-2", 2, readOnly("datasets", "imagenet")));
    }

    private void running() {
        burst();
        scenario.dataArrives(100, 3);
    }

    /** Applies the input and asserts that it changed nothing, sent nothing and said why. */
    private void ignored(Supplier<Decision> input) {
        BurstState before = scenario.state;
        Decision decision = input.get();
        assertEquals(List.of(), decision.commands());
        assertFalse(decision.changed());
        assertEquals(before, decision.state());
        assertNotNull(decision.note());
    }

    @Test
    void aSnapshotUploadedTwiceAsksForOneRestore() {
        burst();
        scenario.uploaded("datasets", 100, 1);

        ignored(() -> scenario.uploaded("datasets", 100, 2));
    }

    @Test
    void aSnapshotFailureAfterItsUploadIsIgnored() {
        burst();
        scenario.uploaded("datasets", 100, 1);

        ignored(() -> scenario.snapshotFailed("datasets", "late", 2));
    }

    @Test
    void aSnapshotFailureTwiceFailsTheBurstOnce() {
        burst();
        scenario.snapshotFailed("datasets", "disk full", 1);

        ignored(() -> scenario.snapshotFailed("datasets", "disk full", 2));
    }

    @Test
    void pathsReadyTwiceMoveNothingTwice() {
        burst();
        scenario.uploaded("datasets", 100, 1);
        scenario.uploaded("results", 100, 1);
        scenario.pathsReady("datasets", List.of("imagenet"), 2);

        ignored(() -> scenario.pathsReady("datasets", List.of("imagenet"), 3));
    }

    @Test
    void aRestoreDoneTwiceAnnouncesAndReroutesOnce() {
        running();

        ignored(() -> scenario.restored("datasets", 4));
        ignored(() -> scenario.pathsReady("datasets", List.of(), 4));
        ignored(() -> scenario.pathsReady("datasets", List.of("imagenet"), 4));
    }

    @Test
    void aRestoreFailureAfterItsRestoreIsIgnored() {
        running();

        ignored(() -> scenario.restoreFailed("datasets", "late", 4));
    }

    @Test
    void aJobStartedTwiceIsRunningOnce() {
        running();
        scenario.started("job-1", "cloud", 4);

        ignored(() -> scenario.started("job-1", "cloud", 5));
    }

    @Test
    void aJobEndedTwiceSnapshotsItsResultsOnce() {
        running();
        scenario.ended("job-1", "cloud", true, 9);

        ignored(() -> scenario.ended("job-1", "cloud", true, 10));
        ignored(() -> scenario.cancelled("job-1", 11));
        ignored(() -> scenario.started("job-1", "cloud", 12));
    }

    @Test
    void resultsUploadedAndRestoredTwiceAreHomeOnce() {
        running();
        scenario.ended("job-1", "cloud", true, 9);
        scenario.resultsUploaded("job-1", "results", 10, 10);

        ignored(() -> scenario.resultsUploaded("job-1", "results", 10, 11));
        scenario.resultsRestored("job-1", "results", 12);
        ignored(() -> scenario.resultsRestored("job-1", "results", 13));
    }

    @Test
    void aJobCancelledTwiceIsCancelledOnce() {
        running();
        scenario.cancelled("job-2", 4);

        ignored(() -> scenario.cancelled("job-2", 5));
    }

    @Test
    void aJobThatStayedHomeIgnoresItsLaterEvents() {
        burst();
        scenario.started("job-2", "onprem", 1);

        ignored(() -> scenario.started("job-2", "onprem", 2));
        ignored(() -> scenario.ended("job-2", "onprem", true, 3));
        ignored(() -> scenario.cancelled("job-2", 4));
    }

    @Test
    void theQueueDrainedTwiceIsDrainedOnce() {
        running();
        scenario.drained(4);

        ignored(() -> scenario.drained(5));
    }

    @Test
    void aTickWithNothingOverdueAndATickAfterTheFailureChangeNothing() {
        burst();
        ignored(() -> scenario.tick(9));

        scenario.tick(10);
        ignored(() -> scenario.tick(11));
    }

    @Test
    void eventsForOtherSnapshotsRestoresAndJobsAreIgnored() {
        running();

        ignored(() -> scenario.apply(state -> scenario.saga.onSnapshotUploaded(state, "other", "s3://x", 1,
                minute(4))));
        ignored(() -> scenario.apply(state -> scenario.saga.onSnapshotFailed(state, "other", "x", minute(4))));
        ignored(() -> scenario.apply(state -> scenario.saga.onRestored(state, "other", minute(4))));
        ignored(() -> scenario.apply(state -> scenario.saga.onRestoreFailed(state, "other", "x", minute(4))));
        ignored(() -> scenario.apply(state -> scenario.saga.onFilesystemReady(state, "other", List.of("a"),
                minute(4))));
        ignored(() -> scenario.apply(state -> scenario.saga.onJobStarted(state, "job-9", "cloud", minute(4))));
        ignored(() -> scenario.apply(state -> scenario.saga.onJobEnded(state, "job-9", "cloud", true, minute(4))));
        ignored(() -> scenario.apply(state -> scenario.saga.onJobCancelled(state, "job-9", minute(4))));
    }

    @Test
    void aRepeatedSignalSendsNothingAndAddsNoJob() {
        running();
        BurstState before = scenario.state;

        Decision decision = scenario.signal(overflow(job("job-1", 2, readOnly("datasets", "imagenet")),
                job("job-2", 2, readOnly("datasets", "imagenet"))), SiteUsage.none(), 4);

        assertEquals(List.of(), decision.commands());
        assertEquals(before.jobs(), decision.state().jobs());
        assertEquals(before.data(), decision.state().data());
    }
}
