package io.spillway.cli;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static io.spillway.cli.DemoTimelineTest.at;
import static io.spillway.cli.DemoTimelineTest.job;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BurstTimingTest {

    private static final String BURST = "burst-1234567890";

    @Test
    void cutsTheTimeFromOpeningToTheFirstJobAtTheBurstSiteIntoPhasesThatAddUp() {
        // reroutedAt is 8.5 s for every rerouted job of DemoTimelineTest.job; "c" started first at the burst site
        List<DemoJob> jobs = List.of(job("a", "onprem", null, 0.0, 0.5, 10.5), job("b", "cloud", BURST, 0.2, 9.4, 19.5),
                job("c", "cloud", BURST, 0.4, 9.1, 20.0));
        BurstFacts burst = burst(at(7.9), at(12.0));

        BurstTiming timing = BurstTiming.of(jobs, burst).orElseThrow();

        assertEquals(Duration.ofMillis(6100), timing.toFirstJob(), "opened at 3.0, c started at 9.1");
        assertEquals(Duration.ofMillis(100), timing.deciding());
        assertEquals(Duration.ofMillis(2500), timing.snapshot());
        assertEquals(64L * 1024 * 1024, timing.bytesUploaded());
        assertEquals(Duration.ofMillis(2300), timing.restore(), "uploaded 5.6 until ready 7.9");
        assertEquals(Duration.ofMillis(600), timing.reroute());
        assertEquals(Duration.ofMillis(600), timing.start());
        assertEquals(timing.toFirstJob(), timing.deciding().plus(timing.snapshot()).plus(timing.restore())
                .plus(timing.reroute()).plus(timing.start()));
        assertEquals(Duration.ofMillis(6300), timing.fullRestore(), "the whole restore ended after c started");
        assertEquals("first burst job running after 6.1s: deciding 0.1s, snapshot 2.5s (64.0 MiB uploaded), restore "
                + "until its data is online 2.3s, reroute 0.6s, start 0.6s; whole restore 6.3s", timing.line());
        Map<String, Object> json = timing.json();
        assertEquals(6.1, json.get("firstJobSeconds"));
        assertEquals(64L * 1024 * 1024, json.get("bytesUploaded"));
    }

    @Test
    void timesTheFirstJobsSnapshotsNotTheOnesStillTravellingForLaterJobs() {
        // Two subpaths moved on their own: the first (uploaded at 4.0) carried the first job's shard, the second
        // was uploaded at 10.0, after that job moved at 8.5.
        BurstFacts burst = new BurstFacts(BURST, "RELEASED", "onprem", "cloud", at(3.0), at(26.0), 3, 2, 1, List.of(
                new BurstFacts.Transfer("datasets", null, "RESTORED", 10, at(3.1), at(4.0), at(4.1), at(5.0), null),
                new BurstFacts.Transfer("datasets", null, "RESTORED", 20, at(3.1), at(10.0), at(10.1), at(11.0),
                        null)),
                List.of(), null, at(5.0));

        BurstTiming timing = BurstTiming.of(List.of(job("b", "cloud", BURST, 0.2, 9.4, 19.5)), burst).orElseThrow();

        assertEquals(Duration.ofMillis(900), timing.snapshot(), "3.1 until the first job's data was up at 4.0");
        assertEquals(Duration.ofMillis(1000), timing.restore(), "4.0 until ready at 5.0");
        assertEquals(30, timing.bytesUploaded(), "everything the burst moved");
        assertEquals(Duration.ofMillis(6900), timing.fullRestore(), "every restore: 4.1 until 11.0");
        assertEquals(timing.toFirstJob(), timing.deciding().plus(timing.snapshot()).plus(timing.restore())
                .plus(timing.reroute()).plus(timing.start()));
    }

    @Test
    void takesTheRerouteAsTheJobsReadinessWhenTheBurstWasAnnouncedReadyForOthersBeforeItsDataWasUp() {
        // Announced at 5.0 for a job that then started at home; b's data was up at 7.0 and b moved at 8.5.
        BurstFacts burst = new BurstFacts(BURST, "RELEASED", "onprem", "cloud", at(3.0), at(26.0), 3, 2, 1, List.of(
                new BurstFacts.Transfer("datasets", null, "RESTORED", 10, at(3.1), at(4.0), at(4.1), at(5.0), null),
                new BurstFacts.Transfer("datasets", null, "RESTORED", 20, at(3.1), at(7.0), at(7.1), at(8.0), null)),
                List.of(), null, at(5.0));

        BurstTiming timing = BurstTiming.of(List.of(job("b", "cloud", BURST, 0.2, 9.4, 19.5)), burst).orElseThrow();

        assertEquals(Duration.ofMillis(3900), timing.snapshot(), "3.1 until 7.0");
        assertEquals(Duration.ofMillis(1500), timing.restore(), "7.0 until b moved at 8.5");
        assertEquals(Duration.ZERO, timing.reroute());
        assertEquals(timing.toFirstJob(), timing.deciding().plus(timing.snapshot()).plus(timing.restore())
                .plus(timing.reroute()).plus(timing.start()));
    }

    @Test
    void takesTheEndOfTheRestoreAsReadinessWhenTheBurstDoesNotTellIt() {
        List<DemoJob> jobs = List.of(job("b", "cloud", BURST, 0.2, 9.4, 19.5));

        BurstTiming timing = BurstTiming.of(jobs, burst(null, at(8.0))).orElseThrow();

        assertEquals(Duration.ofMillis(2400), timing.restore(), "uploaded 5.6 until restored 8.0");
        assertEquals(Duration.ofMillis(500), timing.reroute());
    }

    @Test
    void hasNoTimingWithoutABurstJobThatStarted() {
        assertTrue(BurstTiming.of(List.of(job("a", "onprem", null, 0.0, 0.5, 10.5)), burst(at(7.9), at(8.0)))
                .isEmpty());
        assertTrue(BurstTiming.of(List.of(job("b", "cloud", BURST, 0.2, null, null)), burst(at(7.9), at(8.0)))
                .isEmpty(), "rerouted but not started yet");
        assertTrue(BurstTiming.of(List.of(job("b", "cloud", BURST, 0.2, 9.4, 19.5)), null).isEmpty());
    }

    @Test
    void leavesAPhaseUnknownWhileItHasNotEnded() {
        BurstFacts restoring = new BurstFacts(BURST, "PREPARING", "onprem", "cloud", at(3.0), null, 2, 0, 0,
                List.of(new BurstFacts.Transfer("datasets", null, "RESTORING", 1024, at(3.1), at(5.6), at(5.7), null,
                        null)),
                List.of(), null, at(7.9));

        BurstTiming timing = BurstTiming.of(List.of(job("b", "cloud", BURST, 0.2, 9.4, null)), restoring)
                .orElseThrow();

        assertEquals(null, timing.fullRestore());
        assertTrue(timing.line().endsWith("whole restore ?"), timing.line());
        assertEquals(null, timing.json().get("fullRestoreSeconds"));
    }

    private static BurstFacts burst(java.time.Instant readyAt, java.time.Instant restoredAt) {
        return new BurstFacts(BURST, "RELEASED", "onprem", "cloud", at(3.0), at(26.0), 3, 2, 1,
                List.of(new BurstFacts.Transfer("datasets", null, "RESTORED", 64L * 1024 * 1024, at(3.1), at(5.6),
                        at(5.7), restoredAt, null)),
                List.of(), null, readyAt);
    }
}
