package io.spillway.intake;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.spillway.intake.domain.JobState;
import io.spillway.schemas.JobEvent;
import io.spillway.schemas.Placement;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JobStateTest {

    @Test
    void followsTheHappyPathToSucceeded() {
        JobState state = JobState.SUBMITTED;
        state = state.after(new JobEvent.JobPending("j", "onprem", "waiting")).orElseThrow();
        state = state.after(new JobEvent.GpuAllocated("j", "onprem", List.of(new Placement(0, "n", List.of("0"), 1))))
                .orElseThrow();
        state = state.after(new JobEvent.JobStarted("j", "onprem", "local", "n")).orElseThrow();
        state = state.after(new JobEvent.JobCompleted("j", "onprem", 0, 5)).orElseThrow();

        assertEquals(JobState.SUCCEEDED, state);
    }

    @Test
    void aCancelledJobStaysCancelledWhenItsProcessEndsLater() {
        JobState state = JobState.RUNNING.after(new JobEvent.JobCancelled("j", "user", null)).orElseThrow();

        assertEquals(JobState.CANCELLED, state);
        assertEquals(Optional.empty(), state.after(new JobEvent.JobFailed("j", "onprem", 143, "killed", 5)));
    }

    @Test
    void aPreemptedJobGoesBackToPendingAndAReroutedOneWaitsAtItsNewSite() {
        assertEquals(JobState.PENDING,
                JobState.PREEMPTED.after(new JobEvent.JobPending("j", "onprem", "requeued")).orElseThrow());
        assertEquals(JobState.REROUTED,
                JobState.PENDING.after(new JobEvent.JobRerouted("j", "onprem", "cloud", "b")).orElseThrow());
        assertEquals(JobState.PENDING,
                JobState.REROUTED.after(new JobEvent.JobPending("j", "cloud", "waiting")).orElseThrow());
    }

    @Test
    void aRerouteTheHomeSiteDeclinesLeavesAWaitingJobWaitingAndARunningOneRunning() {
        JobState asked = JobState.PENDING.after(new JobEvent.JobRerouted("j", "onprem", "cloud", "b")).orElseThrow();
        assertEquals(JobState.PENDING, asked.after(new JobEvent.JobRerouteDeclined("j", "onprem", "cloud", "b",
                "already handed over to cloud-b")).orElseThrow());

        // The job started at home before the reroute reached this read model: the reroute changes nothing.
        assertEquals(Optional.empty(),
                JobState.RUNNING.after(new JobEvent.JobRerouted("j", "onprem", "cloud", "b")));
        assertEquals(Optional.empty(), JobState.RUNNING.after(new JobEvent.JobRerouteDeclined("j", "onprem",
                "cloud", "b", "already running at onprem")));
    }

    @Test
    void aJobHandedOverIsReroutedUntilTheBurstSiteQueuesIt() {
        assertEquals(Optional.empty(),
                JobState.REROUTED.after(new JobEvent.JobHandedOver("j", "onprem", "cloud", "b")));
        assertEquals(JobState.REROUTED,
                JobState.PENDING.after(new JobEvent.JobHandedOver("j", "onprem", "cloud", "b")).orElseThrow());
        assertEquals(Optional.empty(),
                JobState.CANCELLED.after(new JobEvent.JobHandedOver("j", "onprem", "cloud", "b")));
    }
}
