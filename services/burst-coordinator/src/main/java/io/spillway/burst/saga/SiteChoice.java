package io.spillway.burst.saga;

import java.util.List;

/**
 * Where a burst goes and which waiting jobs go with it.
 *
 * @param jobs the candidates that fit the site's free GPUs, in the order they waited
 * @param filesystemsRecentlyRestored how many of the filesystems those jobs mount the site restored recently
 */
public record SiteChoice(BurstSite site, List<Candidate> jobs, int filesystemsRecentlyRestored) {

    public SiteChoice {
        jobs = List.copyOf(jobs);
    }
}
