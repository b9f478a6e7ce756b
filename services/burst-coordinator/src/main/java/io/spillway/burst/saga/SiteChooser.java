package io.spillway.burst.saga;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Chooses the burst site for a home site's waiting jobs: a site that can run at least one of them (its pool, a node
 * as large as one worker, room for the whole gang; {@link BurstSite#canRun}), preferring one
 * that restored the filesystems they need recently (an incremental restore there moves only what changed), then the
 * one that runs the most GPUs of them, then the one configured first.
 */
public final class SiteChooser {

    /** GPU sums are of fractions such as 0.1 + 0.2; a job fits when it overshoots by less than this. */
    static final double GPU_EPSILON = 1e-9;

    private final List<BurstSite> sites;
    private final Duration recentRestoreWindow;

    /**
     * @param sites the sites bursts may go to, in order of preference when all else is equal
     * @param recentRestoreWindow how old a restore may be and still count as recent
     */
    public SiteChooser(List<BurstSite> sites, Duration recentRestoreWindow) {
        this.sites = List.copyOf(sites);
        this.recentRestoreWindow = recentRestoreWindow;
    }

    /**
     * @param candidates the jobs that may burst, oldest first
     * @return empty when no site other than the home site has room for any of them
     */
    public Optional<SiteChoice> choose(String homeSite, List<Candidate> candidates, SiteUsage usage, Instant now) {
        List<SiteChoice> choices = new ArrayList<>();
        for (BurstSite site : sites) {
            if (site.name().equals(homeSite)) {
                continue;
            }
            List<Candidate> jobs = fit(site, candidates, site.gpus() - usage.committedAt(site.name()));
            if (!jobs.isEmpty()) {
                choices.add(new SiteChoice(site, jobs, recentlyRestored(site.name(), jobs, usage, now)));
            }
        }
        // max() keeps the first of equals, so the configured order breaks ties.
        return choices.stream().max(Comparator.comparingInt(SiteChoice::filesystemsRecentlyRestored)
                .thenComparingDouble(choice -> gpus(choice.jobs()))
                .thenComparing(choice -> -sites.indexOf(choice.site())));
    }

    /**
     * The candidates {@code site} can run that fit {@code freeGpus}, taken in order. A job too big for what is left,
     * or one the site can never run, is skipped, not a stop: it keeps its place in the home queue, and the smaller
     * ones that leave make room for it there.
     */
    public static List<Candidate> fit(BurstSite site, List<Candidate> candidates, double freeGpus) {
        return fit(candidates.stream().filter(site::canRun).toList(), freeGpus);
    }

    /** The candidates that fit {@code freeGpus}, taken in order, skipping those too big for what is left. */
    public static List<Candidate> fit(List<Candidate> candidates, double freeGpus) {
        List<Candidate> chosen = new ArrayList<>();
        double left = freeGpus;
        for (Candidate candidate : candidates) {
            if (candidate.gpus() <= left + GPU_EPSILON) {
                chosen.add(candidate);
                left -= candidate.gpus();
            }
        }
        return chosen;
    }

    static double gpus(List<Candidate> jobs) {
        return jobs.stream().mapToDouble(Candidate::gpus).sum();
    }

    private int recentlyRestored(String site, List<Candidate> jobs, SiteUsage usage, Instant now) {
        Set<String> needed = jobs.stream().flatMap(job -> job.filesystems().stream()).collect(Collectors.toSet());
        Instant since = now.minus(recentRestoreWindow);
        return (int) usage.recentRestores().stream()
                .filter(restore -> restore.site().equals(site) && !restore.restoredAt().isBefore(since))
                .map(RecentRestore::filesystem)
                .filter(needed::contains)
                .distinct()
                .count();
    }
}
