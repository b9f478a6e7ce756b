package io.spillway.burst.saga;

import java.util.List;
import java.util.Map;

/**
 * What other bursts hold at the burst sites, as the adapters read it from the stored bursts.
 *
 * @param gpusCommitted per site, the GPUs that jobs of other open bursts hold or are promised there
 * @param recentRestores filesystems earlier bursts restored, per site
 */
public record SiteUsage(Map<String, Double> gpusCommitted, List<RecentRestore> recentRestores) {

    public SiteUsage {
        gpusCommitted = Map.copyOf(gpusCommitted);
        recentRestores = List.copyOf(recentRestores);
    }

    /** No other burst anywhere. */
    public static SiteUsage none() {
        return new SiteUsage(Map.of(), List.of());
    }

    double committedAt(String site) {
        return gpusCommitted.getOrDefault(site, 0.0);
    }
}
