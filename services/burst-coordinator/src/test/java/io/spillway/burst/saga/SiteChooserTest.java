package io.spillway.burst.saga;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static io.spillway.burst.saga.Scenario.job;
import static io.spillway.burst.saga.Scenario.readOnly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SiteChooserTest {

    private static final Instant NOW = Instant.parse("2026-03-04T05:00:00Z");

    private final BurstSite cloud = new BurstSite("cloud", 8);
    private final BurstSite edge = new BurstSite("edge", 4);
    private final SiteChooser chooser = new SiteChooser(List.of(cloud, edge), Duration.ofDays(1));

    private final Candidate first = job("job-1", 4, readOnly("datasets", "imagenet"));
    private final Candidate second = job("job-2", 2, readOnly("models", null));

    @Test
    void choosesTheSiteThatRunsTheMostGpusOfTheWaitingJobs() {
        Optional<SiteChoice> choice = chooser.choose("onprem", List.of(first, second), SiteUsage.none(), NOW);

        assertEquals(new SiteChoice(cloud, List.of(first, second), 0), choice.orElseThrow());
    }

    @Test
    void prefersASiteThatRestoredTheNeededFilesystemsRecentlyOverABiggerOne() {
        SiteUsage usage = new SiteUsage(Map.of(),
                List.of(new RecentRestore("edge", "datasets", NOW.minus(Duration.ofHours(3)))));

        SiteChoice choice = chooser.choose("onprem", List.of(first, second), usage, NOW).orElseThrow();

        assertEquals(edge, choice.site());
        assertEquals(List.of(first), choice.jobs());
        assertEquals(1, choice.filesystemsRecentlyRestored());
    }

    @Test
    void aRestoreOlderThanTheWindowDoesNotCount() {
        SiteUsage usage = new SiteUsage(Map.of(),
                List.of(new RecentRestore("edge", "datasets", NOW.minus(Duration.ofDays(2)))));

        assertEquals(cloud, chooser.choose("onprem", List.of(first, second), usage, NOW).orElseThrow().site());
    }

    @Test
    void aRestoreOfAFilesystemNoChosenJobMountsDoesNotCount() {
        SiteUsage usage = new SiteUsage(Map.of(), List.of(new RecentRestore("edge", "scratch", NOW)));

        assertEquals(cloud, chooser.choose("onprem", List.of(first, second), usage, NOW).orElseThrow().site());
    }

    @Test
    void countsGpusThatOtherBurstsHoldAtASite() {
        SiteUsage usage = new SiteUsage(Map.of("cloud", 7.0), List.of());

        SiteChoice choice = chooser.choose("onprem", List.of(first, second), usage, NOW).orElseThrow();

        assertEquals(edge, choice.site());
        assertEquals(List.of(first), choice.jobs());
    }

    @Test
    void neverChoosesTheHomeSiteItself() {
        SiteChooser onlyCloud = new SiteChooser(List.of(cloud), Duration.ofDays(1));

        assertTrue(onlyCloud.choose("cloud", List.of(first), SiteUsage.none(), NOW).isEmpty());
    }

    @Test
    void choosesNothingWhenNoSiteHasRoomForAnyJob() {
        Candidate huge = job("job-9", 16, readOnly("datasets", null));

        assertTrue(chooser.choose("onprem", List.of(huge), SiteUsage.none(), NOW).isEmpty());
    }

    @Test
    void breaksTiesByTheConfiguredOrder() {
        SiteChooser twins = new SiteChooser(List.of(new BurstSite("a", 4), new BurstSite("b", 4)),
                Duration.ofDays(1));

        assertEquals("a", twins.choose("onprem", List.of(first), SiteUsage.none(), NOW).orElseThrow().site().name());
    }

    @Test
    void fitTakesJobsInOrderAndSkipsOnesTooBigForWhatIsLeft() {
        Candidate a = job("a", 3);
        Candidate b = job("b", 4);
        Candidate c = job("c", 1);
        Candidate d = job("d", 0.5);

        assertEquals(List.of(a, c, d), SiteChooser.fit(List.of(a, b, c, d), 4.5));
    }

    @Test
    void fitAddsFractionsWithoutRoundingAJobOut() {
        List<Candidate> tenths = List.of(job("a", 0.1), job("b", 0.2), job("c", 0.7));

        assertEquals(tenths, SiteChooser.fit(tenths, 1.0));
    }
}
