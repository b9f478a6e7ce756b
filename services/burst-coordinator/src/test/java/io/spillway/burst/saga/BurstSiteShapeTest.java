package io.spillway.burst.saga;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static io.spillway.burst.saga.Scenario.readOnly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A burst takes only jobs its site can place: the job's node pool, a node as large as one worker, room for the whole
 * gang. A job its home site can never run goes only to a site that can run it, or nowhere.
 */
class BurstSiteShapeTest {

    private static final Instant NOW = Instant.parse("2026-03-04T05:00:00Z");
    private static final BurstSite A100 = new BurstSite("a100-cloud", 64, Set.of("a100"), 8);
    private static final BurstSite H200 = new BurstSite("h200-cloud", 16, Set.of("h200"), 8);

    private static Candidate shaped(String jobId, String pool, double perWorker, int workers, boolean atHome) {
        return new Candidate(jobId, "vision", perWorker * workers, List.of(readOnly("datasets", null)), pool,
                perWorker, workers, atHome);
    }

    @Test
    void aSiteRunsAJobOfItsPoolsOnNodesLargeEnoughWithRoomForTheWholeGang() {
        assertTrue(H200.canRun(shaped("fits", "h200", 8, 2, false)));
        assertEquals("h200-cloud has no node pool a100", H200.whyNot(shaped("pool", "a100", 1, 1, true)));
        assertEquals("no node at h200-cloud has 16.0 GPUs: the largest has 8",
                H200.whyNot(shaped("big-worker", "h200", 16, 1, true)));
        assertEquals("h200-cloud gives burst jobs 16.0 GPUs, fewer than the 24.0 it asks for",
                H200.whyNot(shaped("big-gang", "h200", 8, 3, true)));
    }

    @Test
    void aSiteOrACandidateThatSaysNothingOfItsShapeRunsAnything() {
        BurstSite any = new BurstSite("cloud", 8);
        assertTrue(any.canRun(shaped("h200", "h200", 8, 1, false)));
        assertNull(A100.whyNot(new Candidate("old", "vision", 4, List.of())), "an older signal's candidate");
    }

    @Test
    void jobsForAPoolGoOnlyToTheSiteThatHasIt() {
        SiteChooser chooser = new SiteChooser(List.of(A100, H200), java.time.Duration.ofDays(1));

        SiteChoice choice = chooser.choose("onprem", List.of(shaped("h200-1", "h200", 8, 1, false),
                shaped("h200-2", "h200", 8, 2, false)), SiteUsage.none(), NOW).orElseThrow();

        assertEquals("h200-cloud", choice.site().name());
        assertEquals(List.of("h200-1"), choice.jobs().stream().map(Candidate::jobId).toList(),
                "the gang of 16 does not fit the 8 GPUs left");
    }

    @Test
    void noBurstOpensForJobsNoBurstSiteCanRun() {
        Scenario scenario = new Scenario(List.of(A100));

        Decision decision = scenario.open(shaped("h200-1", "h200", 8, 1, false));

        assertFalse(decision.changed());
        assertEquals(null, scenario.state);
    }

    @Test
    void anOpenBurstTakesOnlyTheNewJobsItsSiteCanRunAndSaysWhy() {
        Scenario scenario = new Scenario(List.of(H200));
        scenario.open(shaped("first", "h200", 1, 1, true));

        Decision extended = scenario.signal(Scenario.overflow(shaped("a100", "a100", 1, 1, false),
                shaped("second", null, 2, 1, true)), SiteUsage.none(), 1);

        assertEquals(List.of("first", "second"), scenario.state.jobs().stream().map(BurstJob::jobId).toList());
        assertEquals("1 of 2 new candidates cannot run at h200-cloud (h200-cloud has no node pool a100) and stay"
                + " queued at onprem", extended.note());
    }
}
