package io.spillway.cli;

import java.util.List;

import org.junit.jupiter.api.Test;

import static io.spillway.cli.DemoTimelineTest.at;
import static io.spillway.cli.DemoTimelineTest.job;
import static org.junit.jupiter.api.Assertions.assertEquals;

class DemoVerdictTest {

    private static final BurstFacts RELEASED = new BurstFacts("burst-1", "RELEASED", "onprem", "cloud", at(1), at(30),
            1, 1, 0, List.of(), List.of(), null);

    @Test
    void holdsWhenEveryJobSucceededOnceSomeRanAtTheBurstSiteAndEveryResultIsHome() {
        List<DemoJob> jobs = List.of(job("a", "onprem", null, 0, 1.0, 5.0), job("b", "cloud", "burst-1", 0, 9.0, 12.0));

        assertEquals(List.of(), DemoVerdict.problems(jobs, RELEASED, job -> true));
    }

    @Test
    void namesEachJobThatFailedRanTwiceOrWhoseResultIsNotHome() {
        DemoJob failed = new DemoJob("f1234567-x", "train-f", "FAILED", "cloud", "burst-1", 1, List.of("cloud"),
                at(0), at(8), at(9), at(10), "exit code 1; see `spillway logs`");
        DemoJob twice = new DemoJob("t1234567-x", "train-t", "SUCCEEDED", "cloud", "burst-1", 2,
                List.of("onprem", "cloud"), at(0), at(8), at(9), at(10), null);
        DemoJob lost = job("lost", "cloud", "burst-1", 0, 9.0, 12.0);
        DemoJob homeLost = job("home", "onprem", null, 0, 1.0, 5.0);

        List<String> problems = DemoVerdict.problems(List.of(failed, twice, lost, homeLost), RELEASED,
                job -> job == twice);

        assertEquals(List.of(
                "train-f (f1234567) is FAILED, not SUCCEEDED: exit code 1; see `spillway logs`",
                "train-t (t1234567) started 2 times [onprem, cloud], not once",
                "train-t (t1234567) was rerouted 2 times, not once",
                "train-lost (lost): its result is not home in results/.spillway-bursts/burst-1/lost/",
                "train-home (home): its result is missing from results/train-home/"), problems);
    }

    @Test
    void failsWhenNoJobWasReroutedEvenIfAllSucceededAtHome() {
        List<String> problems = DemoVerdict.problems(List.of(job("a", "onprem", null, 0, 1.0, 5.0)), null,
                job -> true);

        assertEquals(1, problems.size());
        assertEquals(true, problems.get(0).startsWith("no job was rerouted to the burst site"), problems.get(0));
    }

    @Test
    void failsWhenTheBurstIsNotReleased() {
        BurstFacts running = new BurstFacts("burst-1", "RUNNING", "onprem", "cloud", at(1), null, 1, 0, 0, List.of(),
                List.of(), null);

        assertEquals(List.of("burst burst-1 is RUNNING, not RELEASED"),
                DemoVerdict.problems(List.of(job("b", "cloud", "burst-1", 0, 9.0, 12.0)), running, job -> true));
    }
}
