package io.spillway.burst.saga;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.spillway.burst.saga.SagaCommand.RequestRestore;
import io.spillway.burst.saga.SagaCommand.RequestSnapshot;

import static io.spillway.burst.saga.Scenario.job;
import static io.spillway.burst.saga.Scenario.readOnly;
import static io.spillway.burst.saga.Scenario.writable;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * When a rerouted job ends at the burst site, what it wrote is snapshotted there and restored at home into a
 * directory of its own, never over home data.
 */
class ResultsHomeTest {

    private final Scenario scenario = new Scenario();

    @BeforeEach
    void burstIsRunning() {
        scenario.open(job("job-1", 2, readOnly("datasets", "imagenet"), writable("results", "runs/job-1")),
                job("job-2", 2, readOnly("datasets", "imagenet")));
        scenario.dataArrives(1_000, 5);
        scenario.started("job-1", "cloud", 6);
        scenario.started("job-2", "cloud", 6);
    }

    @Test
    void aJobThatEndsAtTheBurstSiteHasItsWritableMountsSnapshottedThere() {
        Decision decision = scenario.ended("job-1", "cloud", true, 30);

        assertEquals(List.of(new RequestSnapshot("id-1", "job-1", "id-6", "cloud", "results", "runs/job-1")),
                decision.commands());
        assertEquals(JobState.SUCCEEDED, scenario.job("job-1").state());
        assertEquals(ResultsState.TRAVELLING, scenario.job("job-1").resultsState());
    }

    @Test
    void aFailedJobsOutputsComeHomeToo() {
        Decision decision = scenario.ended("job-1", "cloud", false, 30);

        assertEquals(1, decision.commands().size());
        assertEquals(JobState.FAILED, scenario.job("job-1").state());
    }

    @Test
    void resultsAreRestoredAtHomeUnderTheBurstsAndJobsOwnDirectory() {
        scenario.ended("job-1", "cloud", true, 30);

        Decision decision = scenario.resultsUploaded("job-1", "results", 700, 31);

        assertEquals(List.of(new RequestRestore("id-1", "job-1", "id-7", "s3://spillway/results/job-1", "onprem",
                "results", List.of(), Optional.of(".spillway-bursts/id-1/job-1/runs/job-1"))), decision.commands());
    }

    @Test
    void resultsRestoredAtHomeAreHome() {
        scenario.ended("job-1", "cloud", true, 30);
        scenario.resultsUploaded("job-1", "results", 700, 31);

        Decision decision = scenario.resultsRestored("job-1", "results", 33);

        assertEquals(List.of(), decision.commands());
        assertEquals(ResultsState.HOME, scenario.job("job-1").resultsState());
    }

    @Test
    void aJobWithOnlyReadOnlyMountsHasNoResultsToBringHome() {
        Decision decision = scenario.ended("job-2", "cloud", true, 30);

        assertEquals(List.of(), decision.commands());
        assertEquals(ResultsState.NONE, scenario.job("job-2").resultsState());
    }

    @Test
    void aCancelledJobBringsNothingHome() {
        Decision decision = scenario.cancelled("job-1", 20);

        assertEquals(List.of(), decision.commands());
        assertEquals(JobState.CANCELLED, scenario.job("job-1").state());
        assertEquals(ResultsState.NONE, scenario.job("job-1").resultsState());
    }

    @Test
    void resultsThatFailToComeHomeAreRecordedWithTheReason() {
        scenario.ended("job-1", "cloud", true, 30);
        scenario.resultsUploaded("job-1", "results", 700, 31);

        scenario.resultsRestoreFailed("job-1", "results", "home filesystem results is read-only", 32);

        assertEquals(ResultsState.FAILED, scenario.job("job-1").resultsState());
        assertEquals("restore of results/runs/job-1 at onprem failed: home filesystem results is read-only",
                scenario.result("job-1", "results").failure());
        assertEquals(Phase.RUNNING, scenario.state.phase());
    }

    @Test
    void resultsThatTakeTooLongTimeOutWithoutFailingTheBurst() {
        scenario.ended("job-1", "cloud", true, 30);

        Decision decision = scenario.tick(40);

        assertEquals(List.of(), decision.commands());
        assertEquals("snapshot of results/runs/job-1 at cloud timed out after 10m", decision.note());
        assertEquals(ResultsState.FAILED, scenario.job("job-1").resultsState());
        assertEquals(Phase.RUNNING, scenario.state.phase());
    }

    @Test
    void aJobEndingBeforeItsStartWasSeenStillBringsItsResultsHome() {
        Scenario unseen = new Scenario();
        unseen.open(job("job-1", 2, writable("results", null)));
        unseen.dataArrives(10, 2);

        Decision decision = unseen.ended("job-1", "cloud", true, 9);

        assertEquals(List.of(new RequestSnapshot("id-1", "job-1", "id-4", "cloud", "results", null)),
                decision.commands());
        assertEquals(".spillway-bursts/id-1/job-1", unseen.result("job-1", "results").target());
    }
}
