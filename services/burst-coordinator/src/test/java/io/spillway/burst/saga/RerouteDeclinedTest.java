package io.spillway.burst.saga;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.spillway.burst.saga.SagaCommand.Release;
import io.spillway.burst.saga.SagaCommand.Reroute;

import static io.spillway.burst.saga.Scenario.job;
import static io.spillway.burst.saga.Scenario.minute;
import static io.spillway.burst.saga.Scenario.readOnly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The home site answers a reroute; when it keeps the job (it no longer waited there), the job stays home and is not
 * counted as a burst job, whatever the burst heard about it before.
 */
class RerouteDeclinedTest {

    private final Scenario scenario = new Scenario();

    @BeforeEach
    void bothJobsAreRerouted() {
        scenario.open(job("job-1", 2, readOnly("datasets", null)), job("job-2", 2, readOnly("datasets", null)));
        Decision rerouted = scenario.dataArrives(100, 5);
        assertEquals(List.of(new Reroute("id-1", "job-1", "onprem", "cloud"),
                new Reroute("id-1", "job-2", "onprem", "cloud")),
                rerouted.commands().stream().filter(Reroute.class::isInstance).toList());
    }

    @Test
    void aDeclinedJobStaysHomeWithTheHomeSitesReason() {
        Decision decision = declined("job-1", "already handed over to cloud-b", 6);

        assertTrue(decision.changed());
        assertEquals(List.of(), decision.commands());
        assertEquals(JobState.STAYED_HOME, scenario.job("job-1").state());
        assertEquals("kept at onprem: already handed over to cloud-b", scenario.job("job-1").note());
        assertEquals(JobState.REROUTED, scenario.job("job-2").state());
    }

    @Test
    void aJobCancelledAfterTheRerouteButDeclinedAtHomeStaysHomeNotCancelledAtTheBurstSite() {
        scenario.cancelled("job-1", 6);
        assertEquals(JobState.CANCELLED, scenario.job("job-1").state());

        declined("job-1", "cancelled at onprem", 7);

        assertEquals(JobState.STAYED_HOME, scenario.job("job-1").state());
        assertEquals("kept at onprem: cancelled at onprem", scenario.job("job-1").note());
    }

    @Test
    void aDeclineAfterTheHomeStartChangesNothingMore() {
        scenario.started("job-1", "onprem", 6);
        BurstState before = scenario.state;

        Decision decision = declined("job-1", "already running at onprem", 7);

        assertFalse(decision.changed());
        assertEquals(before, scenario.state);
        assertEquals("started at onprem before it moved to cloud", scenario.job("job-1").note());
    }

    @Test
    void declinedJobsAreNotCountedAndLetTheBurstBeReleased() {
        scenario.drained(6);
        scenario.started("job-2", "cloud", 7);
        scenario.ended("job-2", "cloud", true, 20);
        assertEquals(Phase.RUNNING, scenario.state.phase(), "job-1 still counts as rerouted");

        Decision decision = declined("job-1", "cancelled at onprem", 21);

        Release release = (Release) decision.commands().get(0);
        assertEquals(1, release.jobsRun(), "only job-2 ran at cloud");
        assertEquals(Phase.RELEASED, scenario.state.phase());
        assertNotNull(scenario.state.endedAt());
    }

    @Test
    void aDeclineForAJobOfNoBurstOrOfAClosedBurstChangesNothing() {
        assertFalse(declined("job-9", "not queued at onprem", 6).changed());

        scenario.drained(6);
        declined("job-1", "cancelled at onprem", 7);
        declined("job-2", "cancelled at onprem", 8);
        assertEquals(Phase.RELEASED, scenario.state.phase());
        BurstState released = scenario.state;

        assertFalse(declined("job-1", "cancelled at onprem", 9).changed());
        assertEquals(released, scenario.state);
    }

    private Decision declined(String jobId, String reason, int at) {
        return scenario.apply(state -> scenario.saga.onRerouteDeclined(state, jobId, reason, minute(at)));
    }
}
