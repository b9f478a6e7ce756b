package io.spillway.cli;

import java.io.InputStream;

import org.junit.jupiter.api.Test;

import static io.spillway.cli.DemoTimelineTest.at;
import static org.junit.jupiter.api.Assertions.assertEquals;

class BurstFactsTest {

    @Test
    void readsTheDataGoingOutAndEachJobsResultsComingHomeFromTheCoordinatorsView() throws Exception {
        BurstFacts burst;
        try (InputStream json = getClass().getResourceAsStream("BurstFactsTest.burst.json")) {
            burst = BurstFacts.from(Output.JSON.readTree(json));
        }

        assertEquals("7a1c2e3d-0000-4000-8000-000000000001", burst.burstId());
        assertEquals(true, burst.released());
        assertEquals(at(3), burst.openedAt());
        assertEquals(at(26), burst.endedAt());
        assertEquals(at(8), burst.readyAt());
        assertEquals(2, burst.jobsChosen());
        assertEquals(1, burst.jobsRun());
        assertEquals(1, burst.jobsStayedHome());
        assertEquals(new BurstFacts.Transfer("datasets", null, "RESTORED", 67108864, at(3.1), at(5.6), at(5.7), at(8),
                null), burst.data().get(0));
        assertEquals(1, burst.data().size());
        assertEquals(new BurstFacts.Transfer("results", "job-b", "RESTORED", 1024, at(19.6), at(20), at(20.1), at(21),
                null), burst.results().get(0));
        assertEquals(1, burst.results().size());
    }
}
