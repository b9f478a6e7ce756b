package io.spillway.cli;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DemoTimelineTest {

    private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");

    @Test
    void tellsEachPhaseInOrderWithItsOffsetDurationAndBytes() {
        List<DemoJob> jobs = List.of(
                job("a", "onprem", null, 0.0, 0.5, 10.5),
                job("b", "cloud", "burst-1234567890", 0.2, 9.0, 19.5),
                job("c", "cloud", "burst-1234567890", 0.4, 9.1, 20.0));
        BurstFacts burst = new BurstFacts("burst-1234567890", "RELEASED", "onprem", "cloud", at(3.0), at(26.0), 3, 2, 1,
                List.of(new BurstFacts.Transfer("datasets", null, "RESTORED", 64L * 1024 * 1024, at(3.1), at(5.6),
                        at(5.7), at(8.0), null)),
                List.of(new BurstFacts.Transfer("results", "b", "RESTORED", 1024, at(19.6), at(20.0), at(20.1),
                        at(21.0), null),
                        new BurstFacts.Transfer("results", "c", "RESTORED", 1024, at(20.1), at(20.5), at(20.6),
                                at(22.0), null)),
                null);

        List<String> lines = DemoTimeline.render(DemoTimeline.steps(jobs, burst, "onprem"));

        assertEquals(List.of(
                "  at        phase                 took       bytes  what",
                "  +0.0s     submit                0.4s              3 jobs submitted at onprem",
                "  +0.5s     run at onprem        10.0s              1/1 succeeded there",
                "  +3.0s     queue overflow        0.0s              more jobs waiting at onprem than its threshold:"
                        + " burst burst-12 opened, 3 jobs chosen for cloud",
                "  +3.1s     snapshot              2.5s    64.0 MiB  datasets at onprem to the object store",
                "  +5.7s     restore               2.3s              datasets at cloud",
                "  +8.5s     reroute               0.0s              2 jobs rerouted onprem -> cloud (1 chosen got a GPU"
                        + " at onprem first and stayed home)",
                "  +9.0s     run at cloud         11.0s              2/2 succeeded there",
                "  +19.6s    results home          2.4s     2.0 KiB  2/2 job outputs restored into"
                        + " .spillway-bursts/burst-1234567890",
                "  +26.0s    release               0.0s              burst burst-12 released: 2 jobs ran at cloud"), lines);
    }

    @Test
    void showsAPhaseThatHasNotEndedAsRunningAndLeavesOutWhatHasNotBegun() {
        List<DemoJob> jobs = List.of(job("a", "onprem", null, 0.0, 0.5, null));
        BurstFacts burst = new BurstFacts("b1", "PREPARING", "onprem", "cloud", at(2.0), null, 1, 0, 0,
                List.of(new BurstFacts.Transfer("datasets", null, "SNAPSHOTTING", 0, at(2.5), null, null, null, null)),
                List.of(), null);

        List<String> lines = DemoTimeline.render(DemoTimeline.steps(jobs, burst, "onprem"));

        assertEquals(5, lines.size(), String.join("\n", lines));
        assertEquals("  +0.5s     run at onprem      running              0/1 succeeded there", lines.get(2));
        assertEquals("  +2.5s     snapshot           running         0 B  datasets at onprem to the object store",
                lines.get(4));
    }

    @Test
    void rendersNothingForNothing() {
        assertEquals(List.of(), DemoTimeline.render(List.of()));
    }

    static DemoJob job(String id, String site, String burstId, double submitted, Double started, Double ended) {
        boolean rerouted = burstId != null;
        return new DemoJob(id, "train-" + id, ended == null ? "RUNNING" : "SUCCEEDED", site, burstId,
                rerouted ? 1 : 0, started == null ? List.of() : List.of(site), at(submitted),
                rerouted ? at(8.5) : null, started == null ? null : at(started), ended == null ? null : at(ended), null);
    }

    static Instant at(double seconds) {
        return T0.plusMillis(Math.round(seconds * 1000));
    }
}
