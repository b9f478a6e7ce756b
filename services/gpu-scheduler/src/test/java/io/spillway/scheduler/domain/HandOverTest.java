package io.spillway.scheduler.domain;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HandOverTest {

    /** Where the job stands at its home site onprem when a reroute to cloud arrives, and the answer. */
    @ParameterizedTest(name = "{0} cancel={1} handedOverTo={2} -> {3}")
    @CsvSource(nullValues = "-", delimiter = '|', value = {
            "PENDING   | false | -       | -",
            "PENDING   | true  | -       | cancelled at onprem",
            "ALLOCATED | false | -       | already given GPUs at onprem, about to start",
            "RUNNING   | false | -       | already running at onprem",
            "RUNNING   | true  | -       | cancelled at onprem",
            "SUCCEEDED | false | -       | already ended at onprem (SUCCEEDED)",
            "FAILED    | false | -       | already ended at onprem (FAILED)",
            "CANCELLED | false | -       | cancelled at onprem",
            "REROUTED  | false | cloud   | -",
            "REROUTED  | false | cloud-b | already handed over to cloud-b",
            "REROUTED  | false | -       | already handed over to another site",
    })
    void handsOverOnlyAJobThatStillWaitsHereAndSaysWhyOtherwise(JobState state, boolean cancelRequested,
            String handedOverTo, String refusal) {
        Optional<HandOver.Position> job = Optional.of(new HandOver.Position(state, cancelRequested, handedOverTo));

        assertEquals(Optional.ofNullable(refusal), HandOver.refusal(job, "onprem", "cloud"));
    }

    @Test
    void declinesAJobThisSiteNeverQueued() {
        assertEquals(Optional.of("not queued at onprem"), HandOver.refusal(Optional.empty(), "onprem", "cloud"));
    }

    @Test
    void declinesAWaitingJobWhoseRerouteCameAfterItsAnswerWasDueButRepeatsAHandOverAlreadyMade() {
        java.time.Instant due = java.time.Instant.parse("2026-12-07T10:05:00Z");
        Optional<HandOver.Position> waiting = Optional.of(new HandOver.Position(JobState.PENDING, false, null));
        Optional<HandOver.Position> handedOver = Optional.of(new HandOver.Position(JobState.REROUTED, false,
                "cloud"));

        assertEquals(Optional.empty(), HandOver.refusal(waiting, "onprem", "cloud", due.minusSeconds(1), due));
        assertEquals(Optional.of("the reroute to cloud came after its answer was due (2026-12-07T10:05:00Z); the job"
                + " stays queued at onprem"), HandOver.refusal(waiting, "onprem", "cloud", due, due));
        assertEquals(Optional.empty(), HandOver.refusal(handedOver, "onprem", "cloud", due.plusSeconds(60), due));
        assertEquals(Optional.empty(), HandOver.refusal(waiting, "onprem", "cloud", due.plusSeconds(60), null),
                "a reroute without a deadline");
    }
}
