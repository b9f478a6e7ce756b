package io.spillway.burst.saga;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.spillway.burst.saga.SagaCommand.Release;

import static io.spillway.burst.saga.Scenario.job;
import static io.spillway.burst.saga.Scenario.minute;
import static io.spillway.burst.saga.Scenario.readOnly;
import static io.spillway.burst.saga.Scenario.writable;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A burst is released, with its totals, once the home queue drained, every rerouted job ended and its results are
 * home or known not to make it.
 */
class ReleaseTest {

    private static final long MINUTE_MS = 60_000;

    private final Scenario scenario = new Scenario();

    @BeforeEach
    void jobsRunAtTheBurstSite() {
        scenario.open(job("job-1", 2, readOnly("datasets", null), writable("results", "runs/job-1")),
                job("job-2", 2, readOnly("datasets", null), readOnly("models", null)));
        scenario.uploaded("datasets", 5_000, 4);
        scenario.uploaded("results", 200, 5);
        scenario.uploaded("models", 300, 6);
        scenario.restored("results", 9);
        scenario.restored("models", 10);
        scenario.restored("datasets", 12);
        scenario.started("job-1", "cloud", 13);
        scenario.started("job-2", "cloud", 13);
    }

    @Test
    void releasesWithTotalsOnceTheQueueDrainedAndEveryJobAndItsResultsAreDone() {
        scenario.drained(20);
        scenario.ended("job-1", "cloud", true, 40);
        scenario.resultsUploaded("job-1", "results", 700, 42);
        Decision resultsHome = scenario.resultsRestored("job-1", "results", 45);

        Decision lastJobEnds = scenario.ended("job-2", "cloud", false, 50);

        assertEquals(List.of(), resultsHome.commands());
        assertEquals(List.of(new Release("id-1", "onprem", "cloud", 2, 5_500, 700,
                Map.of("snapshot", 6 * MINUTE_MS, "restore", 8 * MINUTE_MS, "run", 38 * MINUTE_MS,
                        "results", 5 * MINUTE_MS),
                Map.of())), lastJobEnds.commands());
        assertEquals(Phase.RELEASED, scenario.state.phase());
        assertEquals(minute(50), scenario.state.endedAt());
    }

    @Test
    void waitsForTheQueueToDrain() {
        scenario.ended("job-1", "cloud", true, 40);
        scenario.resultsUploaded("job-1", "results", 700, 42);
        scenario.resultsRestored("job-1", "results", 45);
        Decision allDone = scenario.ended("job-2", "cloud", true, 50);

        Decision drained = scenario.drained(60);

        assertEquals(List.of(), allDone.commands());
        assertEquals(1, drained.commands().size());
        assertEquals(Release.class, drained.commands().get(0).getClass());
    }

    @Test
    void waitsForResultsStillTravellingHome() {
        scenario.drained(20);
        scenario.ended("job-2", "cloud", true, 30);
        scenario.ended("job-1", "cloud", true, 40);

        Decision uploaded = scenario.resultsUploaded("job-1", "results", 700, 42);
        Decision home = scenario.resultsRestored("job-1", "results", 45);

        assertEquals(List.of(), uploaded.commands().stream().filter(Release.class::isInstance).toList());
        assertEquals(Release.class, home.commands().get(0).getClass());
    }

    @Test
    void releasesAndReportsResultsThatDidNotComeHome() {
        scenario.drained(20);
        scenario.ended("job-2", "cloud", true, 30);
        scenario.ended("job-1", "cloud", true, 40);
        scenario.resultsUploaded("job-1", "results", 700, 42);

        Decision decision = scenario.resultsRestoreFailed("job-1", "results", "quota exceeded at onprem", 44);

        Release release = (Release) decision.commands().get(0);
        assertEquals(Map.of("job-1", "restore of results/runs/job-1 at onprem failed: quota exceeded at onprem"),
                release.resultsNotHome());
        assertEquals(2, release.jobsRun());
        assertEquals(700, release.bytesToHomeSite());
    }

    @Test
    void jobsThatDidNotRunAtTheBurstSiteDoNotCountAsRun() {
        scenario.drained(20);
        scenario.ended("job-2", "cloud", true, 30);

        Decision decision = scenario.cancelled("job-1", 31);

        Release release = (Release) decision.commands().get(0);
        assertEquals(1, release.jobsRun());
        assertEquals(0, release.bytesToHomeSite());
        assertEquals(0L, release.phaseDurationsMs().get("results"));
    }

    @Test
    void aReleasedBurstIgnoresLateEvents() {
        scenario.drained(20);
        scenario.ended("job-2", "cloud", true, 30);
        scenario.cancelled("job-1", 31);
        BurstState released = scenario.state;

        List<Decision> late = List.of(scenario.drained(32), scenario.ended("job-2", "cloud", true, 33),
                scenario.tick(500));

        late.forEach(decision -> assertEquals(List.of(), decision.commands()));
        late.forEach(decision -> assertEquals(released, decision.state()));
    }
}
