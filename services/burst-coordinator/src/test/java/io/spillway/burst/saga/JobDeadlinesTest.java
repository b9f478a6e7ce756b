package io.spillway.burst.saga;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.spillway.burst.saga.SagaCommand.Fail;
import io.spillway.burst.saga.SagaCommand.RequestSnapshot;
import io.spillway.burst.saga.SagaCommand.Reroute;

import static io.spillway.burst.saga.Scenario.job;
import static io.spillway.burst.saga.Scenario.readOnly;
import static io.spillway.burst.saga.Scenario.writable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every step of a job's move has a deadline: the home site's answer to its reroute, its start at the burst site, the
 * burst site's answer when it is sent back. A job that misses one stays or goes home through the same handshake
 * (the site that gives it up answers, so it never runs twice), and the burst ends with the reason.
 */
class JobDeadlinesTest {

    /** Snapshot 10m, restore 20m, an answer to a reroute 5m, a start at the burst site 30m. */
    static final SagaTimeouts TIMEOUTS = new SagaTimeouts(Duration.ofMinutes(10), Duration.ofMinutes(20),
            Duration.ofMinutes(5), Duration.ofMinutes(30));

    private final Scenario scenario = new Scenario(List.of(new BurstSite("cloud", 8)), TIMEOUTS);

    /** One job rerouted at minute 5. */
    private void rerouted(String... jobIds) {
        scenario.open(java.util.Arrays.stream(jobIds).map(id -> job(id, 2, readOnly("datasets", null)))
                .toArray(Candidate[]::new));
        Decision ready = scenario.dataArrives(100, 5);
        assertEquals(jobIds.length, ready.commands().stream().filter(Reroute.class::isInstance).count());
    }

    @Test
    void aRerouteTheHomeSiteDoesNotAnswerInTimeTimesOutTheJobStaysHomeAndTheBurstEndsWithTheReasonOnceItIsAnswered() {
        rerouted("job-1");

        Decision early = scenario.tick(9);
        Decision due = scenario.tick(10);

        assertEquals(List.of(), early.commands());
        assertEquals(List.of(), due.commands(), "the answer may still say the job was handed over in time");
        String why = "onprem did not answer its reroute to cloud within 5m; it stays queued there";
        assertEquals(JobState.STAYED_HOME, scenario.job("job-1").state());
        assertEquals(why, scenario.job("job-1").note());
        assertTrue(scenario.state.ending());
        assertEquals("the reroute of job job-1: " + why, scenario.state.failureReason());
        assertEquals(List.of(), scenario.tick(120).commands(), "time alone does not close the burst");

        // The home site read the reroute after its answer-by time, so it kept the job.
        Decision kept = scenario.declined("job-1", "onprem",
                "the reroute to cloud came after its answer was due; the job stays queued at onprem", 121);

        assertEquals(List.of(new Fail("id-1", "onprem", "cloud", "reroute", "the reroute of job job-1: " + why)),
                kept.commands());
        assertEquals(Phase.FAILED, scenario.state.phase());
        assertEquals(JobState.STAYED_HOME, scenario.job("job-1").state());
        assertEquals(why, scenario.job("job-1").note());
        assertEquals(List.of(), scenario.declined("job-1", "onprem", "again", 122).commands());
    }

    /**
     * Seed 20772 of {@code BurstSagaPropertiesTest}: the home site hands the job over in time (minute 5, its answer
     * was due at 10), but its {@code JobHandedOver} reaches the coordinator only after the timer passed the deadline
     * (consumer lag, a restart, the scheduler's outbox relay). The job is queued at the burst site by then; the burst
     * must stay open to send it back, not close and leave it there unknown.
     */
    @Test
    void aHandOverInTimeThatTheTimerOvertakesSendsTheJobBackBeforeTheBurstEnds() {
        scenario.open(job("job-0", 2, readOnly("datasets", null)), job("job-1", 2, readOnly("models", null)));
        scenario.uploaded("models", 100, 3);
        scenario.restored("models", 5);
        assertEquals(JobState.REROUTED, scenario.job("job-1").state());

        Decision due = scenario.tick(11);

        assertEquals(List.of(), due.commands(), "job-1 may be at cloud already: the burst does not end yet");
        assertEquals(JobState.STAYED_HOME, scenario.job("job-1").state());
        assertEquals(JobState.STAYED_HOME, scenario.job("job-0").state(), "an ending burst moves no other job");
        assertEquals(Phase.RUNNING, scenario.state.phase());

        Decision late = scenario.handedOver("job-1", "onprem", "cloud", 12);

        assertEquals(List.of(new Reroute("id-1", "job-1", "cloud", "onprem")), late.commands());
        assertEquals(JobState.RETURNING, scenario.job("job-1").state());

        Decision home = scenario.handedOver("job-1", "cloud", "onprem", 13);

        assertEquals(JobState.RETURNED, scenario.job("job-1").state());
        assertEquals(List.of(new Fail("id-1", "onprem", "cloud", "reroute", "the reroute of job job-1: onprem did"
                + " not answer its reroute to cloud within 5m; it stays queued there")), home.commands());
        assertEquals(Phase.FAILED, scenario.state.phase());
    }

    @Test
    void aHandOverInTimeThatTheTimerOvertakesRunsTheJobOnceAtTheBurstSiteIfItStartedThereAndBringsItsResultsHome() {
        scenario.open(job("job-1", 2, readOnly("datasets", null), writable("results", "runs/job-1")));
        scenario.dataArrives(100, 5);
        scenario.tick(10);

        scenario.handedOver("job-1", "onprem", "cloud", 11);
        scenario.started("job-1", "cloud", 11);
        Decision kept = scenario.declined("job-1", "cloud", "already running at cloud", 12);
        Decision ended = scenario.ended("job-1", "cloud", true, 40);

        assertEquals(List.of(), kept.commands());
        assertEquals(JobState.SUCCEEDED, scenario.job("job-1").state());
        assertInstanceOf(RequestSnapshot.class, ended.commands().get(0), "its results come home");
        assertEquals(Phase.RUNNING, scenario.state.phase());
        scenario.resultsUploaded("job-1", "results", 10, 41);
        Decision home = scenario.resultsRestored("job-1", "results", 42);
        assertInstanceOf(Fail.class, home.commands().get(0));
        assertEquals(Phase.FAILED, scenario.state.phase());
    }

    @Test
    void aJobQueuedAtTheBurstSiteThatDoesNotStartInTimeIsAskedBackAndTheBurstEndsOnceItIsHome() {
        rerouted("job-1");
        scenario.handedOver("job-1", "onprem", "cloud", 6);

        assertEquals(List.of(), scenario.tick(35).commands(), "the reroute was answered; the start has 30m");
        Decision due = scenario.tick(36);

        assertEquals(List.of(new Reroute("id-1", "job-1", "cloud", "onprem")), due.commands(),
                "sent back through the burst site, which hands it over only if it still waits there");
        assertEquals(JobState.RETURNING, scenario.job("job-1").state());
        assertEquals(Phase.RUNNING, scenario.state.phase(), "the job is not home yet");
        assertTrue(scenario.state.ending());

        Decision home = scenario.handedOver("job-1", "cloud", "onprem", 37);

        assertEquals(JobState.RETURNED, scenario.job("job-1").state());
        assertEquals("did not start at cloud within 30m; sent back to onprem", scenario.job("job-1").note());
        assertEquals(List.of(new Fail("id-1", "onprem", "cloud", "start",
                "job job-1 did not start at cloud within 30m; sent back to onprem")), home.commands());
        assertEquals(Phase.FAILED, scenario.state.phase());
    }

    @Test
    void aJobThatStartsAtTheBurstSiteJustAsItsDeadlineFiresRunsThereOnceAndItsResultsComeHome() {
        scenario.open(job("job-1", 2, readOnly("datasets", null), writable("results", "runs/job-1")));
        scenario.dataArrives(100, 5);
        scenario.handedOver("job-1", "onprem", "cloud", 6);
        scenario.tick(36);

        scenario.started("job-1", "cloud", 36);
        Decision kept = scenario.declined("job-1", "cloud", "already running at cloud", 37);
        Decision ended = scenario.ended("job-1", "cloud", true, 50);

        assertEquals(List.of(), kept.commands());
        assertEquals(JobState.SUCCEEDED, scenario.job("job-1").state());
        assertInstanceOf(RequestSnapshot.class, ended.commands().get(0), "its results come home");
    }

    @Test
    void whenTheBurstSiteRefusesToSendAJobBackBeforeItsStartIsKnownTheJobWaitsThereForANewDeadline() {
        rerouted("job-1");
        scenario.handedOver("job-1", "onprem", "cloud", 6);
        scenario.tick(36);

        scenario.declined("job-1", "cloud", "already given GPUs at cloud, about to start", 37);

        assertEquals(JobState.REROUTED, scenario.job("job-1").state());
        assertEquals(List.of(), scenario.tick(66).commands());
        assertEquals(List.of(new Reroute("id-1", "job-1", "cloud", "onprem")), scenario.tick(67).commands(),
                "still not started 30m after the refusal: asked back again");
    }

    @Test
    void aReturnTheBurstSiteDoesNotAnswerInTimeIsRecordedAndTheBurstEndsWhenTheJobIsHome() {
        rerouted("job-1");
        scenario.handedOver("job-1", "onprem", "cloud", 6);
        scenario.tick(36);

        Decision due = scenario.tick(41);

        assertEquals(JobState.RETURNED, scenario.job("job-1").state());
        assertEquals("did not start at cloud within 30m; sent back to onprem; cloud did not answer within 5m, it"
                + " hands the job home when it does", scenario.job("job-1").note());
        assertEquals(List.of(), due.commands(), "the answer may still say the job started at cloud");
        assertEquals(Phase.RUNNING, scenario.state.phase());

        Decision home = scenario.handedOver("job-1", "cloud", "onprem", 50);

        assertEquals(JobState.RETURNED, scenario.job("job-1").state());
        assertInstanceOf(Fail.class, home.commands().get(0));
        assertEquals(Phase.FAILED, scenario.state.phase());
        assertEquals(List.of(), scenario.handedOver("job-1", "cloud", "onprem", 51).commands());
    }

    /**
     * The job started at the burst site just before its start deadline, and neither its {@code JobStarted} nor the
     * burst site's refusal to send it back reached the coordinator before the return's deadline too: the burst waits
     * for them, so the job runs there once and its results come home.
     */
    @Test
    void aJobWhoseStartIsStillOnItsWayWhenItsReturnTimesOutRunsThereOnceAndItsResultsComeHome() {
        scenario.open(job("job-1", 2, readOnly("datasets", null), writable("results", "runs/job-1")));
        scenario.dataArrives(100, 5);
        scenario.handedOver("job-1", "onprem", "cloud", 6);
        scenario.tick(36);
        scenario.tick(41);
        assertEquals(Phase.RUNNING, scenario.state.phase());

        scenario.started("job-1", "cloud", 42);
        scenario.declined("job-1", "cloud", "already running at cloud", 42);
        Decision ended = scenario.ended("job-1", "cloud", true, 60);

        assertEquals(JobState.SUCCEEDED, scenario.job("job-1").state());
        assertInstanceOf(RequestSnapshot.class, ended.commands().get(0), "its results come home");
    }

    @Test
    void aHandOverThatComesAfterTheBurstStoppedWaitingSendsTheJobStraightBack() {
        rerouted("job-1", "job-2");
        scenario.handedOver("job-2", "onprem", "cloud", 6);
        scenario.started("job-2", "cloud", 7);
        scenario.tick(10);
        assertEquals(JobState.STAYED_HOME, scenario.job("job-1").state());

        Decision late = scenario.handedOver("job-1", "onprem", "cloud", 11);

        assertEquals(List.of(new Reroute("id-1", "job-1", "cloud", "onprem")), late.commands());
        assertEquals(JobState.RETURNING, scenario.job("job-1").state());
    }

    @Test
    void anEndingBurstTakesNoNewJobsLeavesItsWaitingJobsHomeAndEndsWhenItsRunningJobsAreDoneAndItsAnswersCame() {
        scenario.open(job("job-1", 2, readOnly("datasets", null)), job("job-2", 2, readOnly("datasets", null)),
                job("job-3", 2, readOnly("models", null)));
        scenario.uploaded("models", 100, 3);
        scenario.uploaded("datasets", 100, 5);
        scenario.restored("datasets", 5);
        scenario.handedOver("job-2", "onprem", "cloud", 6);
        scenario.started("job-2", "cloud", 7);

        scenario.tick(10);

        assertTrue(scenario.state.ending(), "job-1's reroute was not answered in time");
        assertEquals(JobState.STAYED_HOME, scenario.job("job-1").state());
        assertEquals(JobState.STAYED_HOME, scenario.job("job-3").state());
        assertEquals("the burst is ending: the reroute of job job-1: onprem did not answer its reroute to cloud"
                + " within 5m; it stays queued there", scenario.job("job-3").note());
        assertEquals(JobState.RUNNING, scenario.job("job-2").state(), "a job running at the burst site goes on");

        Decision signal = scenario.signal(Scenario.overflow(job("job-4", 1, readOnly("datasets", null))),
                SiteUsage.none(), 11);
        assertEquals(List.of(), signal.commands());
        assertTrue(scenario.state.job("job-4").isEmpty(), "an ending burst takes no new job");

        Decision done = scenario.ended("job-2", "cloud", true, 20);
        assertEquals(List.of(), done.commands().stream().filter(Fail.class::isInstance).toList(),
                "job-1's answer is still to come");
        Decision answered = scenario.declined("job-1", "onprem", "the reroute came after its answer was due", 22);

        assertInstanceOf(Fail.class, answered.commands().get(0));
        assertEquals(Phase.FAILED, scenario.state.phase());
    }

    @Test
    void rerouteAndStartDeadlinesMustBePositiveWhenGiven() {
        assertThrows(IllegalArgumentException.class, () -> new SagaTimeouts(Duration.ofMinutes(1),
                Duration.ofMinutes(1), Duration.ZERO, Duration.ofMinutes(1)));
        assertThrows(IllegalArgumentException.class, () -> new SagaTimeouts(Duration.ofMinutes(1),
                Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofMinutes(-1)));
    }
}
