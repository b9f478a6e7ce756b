package io.spillway.burst.saga;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.spillway.burst.saga.SagaCommand.Fail;
import io.spillway.burst.saga.SagaCommand.Reroute;

import static io.spillway.burst.saga.Scenario.job;
import static io.spillway.burst.saga.Scenario.readOnly;
import static io.spillway.burst.saga.Scenario.writable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A step that fails or runs out of time ends the burst before any job moves, and the jobs stay queued at home; a job
 * that leaves the home queue on its own is not moved.
 */
class TimeoutsAndCompensationTest {

    private final Scenario scenario = new Scenario();

    @Test
    void aFailedSnapshotEndsTheBurstAndSendsNoJobAnywhere() {
        scenario.open(job("job-1", 2, readOnly("datasets", null)), job("job-2", 2, readOnly("models", null)));
        scenario.uploaded("models", 100, 2);

        Decision decision = scenario.snapshotFailed("datasets", "no space left on device", 3);

        assertEquals(List.of(new Fail("id-1", "onprem", "cloud", "snapshot",
                "snapshot of datasets at onprem failed: no space left on device")), decision.commands());
        assertEquals(Phase.FAILED, scenario.state.phase());
        assertEquals("snapshot", scenario.state.failedStep());
        assertEquals(List.of(JobState.CHOSEN, JobState.CHOSEN),
                scenario.state.jobs().stream().map(BurstJob::state).toList());
    }

    @Test
    void aFailedRestoreEndsTheBurst() {
        scenario.open(job("job-1", 2, readOnly("datasets", null)));
        scenario.uploaded("datasets", 100, 2);

        Decision decision = scenario.restoreFailed("datasets", "chunk 9f2c of imagenet/train.tar is corrupt", 4);

        assertEquals(List.of(new Fail("id-1", "onprem", "cloud", "restore",
                "restore of datasets at cloud failed: chunk 9f2c of imagenet/train.tar is corrupt")),
                decision.commands());
        assertEquals(Phase.FAILED, scenario.state.phase());
    }

    @Test
    void aSnapshotThatOutlivesItsTimeoutEndsTheBurst() {
        scenario.open(job("job-1", 2, readOnly("datasets", null)));

        Decision early = scenario.tick(9);
        Decision due = scenario.tick(10);

        assertEquals(List.of(), early.commands());
        assertEquals(List.of(new Fail("id-1", "onprem", "cloud", "snapshot",
                "snapshot of datasets at onprem timed out after 10m")), due.commands());
        assertEquals(Phase.FAILED, scenario.state.phase());
    }

    @Test
    void aRestoreThatOutlivesItsTimeoutEndsTheBurst() {
        scenario.open(job("job-1", 2, readOnly("datasets", null)));
        scenario.uploaded("datasets", 100, 5);

        Decision early = scenario.tick(24);
        Decision due = scenario.tick(25);

        assertEquals(List.of(), early.commands());
        assertEquals(List.of(new Fail("id-1", "onprem", "cloud", "restore",
                "restore of datasets at cloud timed out after 20m")), due.commands());
    }

    @Test
    void twoOverdueStepsFailTheBurstOnce() {
        scenario.open(job("job-1", 2, readOnly("datasets", null), readOnly("models", null)));

        Decision decision = scenario.tick(30);

        assertEquals(1, decision.commands().size());
        assertEquals("snapshot of datasets at onprem timed out after 10m", ((Fail) decision.commands().get(0)).reason());
    }

    @Test
    void aRestoreStillRunningAfterItsPriorityPathsAreOnlineDoesNotTimeOut() {
        scenario.open(job("job-1", 2, writable("results", "job-1")));
        scenario.uploaded("results", 100, 5);
        scenario.pathsReady("results", List.of("job-1"), 6);

        Decision decision = scenario.tick(60);

        assertEquals(List.of(), decision.commands());
        assertEquals(Phase.RUNNING, scenario.state.phase());
    }

    @Test
    void aJobThatStartedAtHomeIsNotRerouted() {
        scenario.open(job("job-1", 2, readOnly("datasets", null)), job("job-2", 2, readOnly("datasets", null)));
        scenario.started("job-1", "onprem", 2);

        Decision decision = scenario.dataArrives(100, 5);

        assertEquals(List.of(new Reroute("id-1", "job-2", "onprem", "cloud")),
                decision.commands().stream().filter(Reroute.class::isInstance).toList());
        assertEquals(JobState.STAYED_HOME, scenario.job("job-1").state());
        assertEquals("started at onprem before it moved to cloud", scenario.job("job-1").note());
    }

    @Test
    void cancelledAndEndedJobsAreNotRerouted() {
        scenario.open(job("job-1", 2, readOnly("datasets", null)), job("job-2", 2, readOnly("datasets", null)),
                job("job-3", 2, readOnly("datasets", null)));
        scenario.cancelled("job-1", 1);
        scenario.ended("job-2", "onprem", false, 2);

        Decision decision = scenario.dataArrives(100, 5);

        assertEquals(List.of(new Reroute("id-1", "job-3", "onprem", "cloud")),
                decision.commands().stream().filter(Reroute.class::isInstance).toList());
    }

    @Test
    void whenEveryChosenJobLeavesTheHomeQueueTheBurstEnds() {
        scenario.open(job("job-1", 2, readOnly("datasets", null)), job("job-2", 2, readOnly("datasets", null)));
        scenario.started("job-1", "onprem", 1);

        Decision decision = scenario.cancelled("job-2", 2);

        assertEquals(List.of(new Fail("id-1", "onprem", "cloud", "reroute",
                "every chosen job left the queue at onprem before its data was ready at cloud")),
                decision.commands());
        assertEquals(Phase.FAILED, scenario.state.phase());
    }

    @Test
    void onceRunningAFailedTransferForANewJobLeavesThatJobHomeAndTheBurstGoesOn() {
        scenario.open(job("job-1", 2, readOnly("datasets", null)));
        scenario.dataArrives(100, 3);
        scenario.signal(Scenario.overflow(job("job-2", 2, readOnly("models", null))), SiteUsage.none(), 4);

        Decision decision = scenario.snapshotFailed("models", "permission denied", 5);

        assertEquals(List.of(), decision.commands());
        assertEquals(Phase.RUNNING, scenario.state.phase());
        assertEquals(JobState.REROUTED, scenario.job("job-1").state());
        assertEquals(JobState.STAYED_HOME, scenario.job("job-2").state());
        assertEquals("its data could not be moved: snapshot of models at onprem failed: permission denied",
                scenario.job("job-2").note());
    }

    @Test
    void aFailedBurstIgnoresLateEvents() {
        scenario.open(job("job-1", 2, readOnly("datasets", null)));
        scenario.tick(10);
        BurstState failed = scenario.state;

        Decision late = scenario.uploaded("datasets", 100, 11);

        assertEquals(List.of(), late.commands());
        assertEquals(failed, late.state());
    }

    @Test
    void timeoutsInReasonsReadAsAPersonWritesThem() {
        assertEquals("1h30m", BurstSaga.human(Duration.ofMinutes(90)));
        assertEquals("45s", BurstSaga.human(Duration.ofSeconds(45)));
        assertEquals("2m5s", BurstSaga.human(Duration.ofSeconds(125)));
        assertEquals("250ms", BurstSaga.human(Duration.ofMillis(250)));
    }

    @Test
    void refusesTimeoutsThatAreNotPositive() {
        assertThrows(IllegalArgumentException.class, () -> new SagaTimeouts(Duration.ZERO, Duration.ofMinutes(1)));
        assertThrows(IllegalArgumentException.class,
                () -> new SagaTimeouts(Duration.ofMinutes(1), Duration.ofMinutes(-1)));
    }
}
