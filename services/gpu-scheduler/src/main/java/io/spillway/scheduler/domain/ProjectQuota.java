package io.spillway.scheduler.domain;

import java.util.Map;

/**
 * A project's share of the site's GPUs: served first up to {@code deservedGpus}; idle GPUs beyond the deserved
 * shares are divided by {@code overQuotaWeight}; never more than {@code limitGpus} ({@code null}: no limit).
 *
 * @param pools shares in single node pools: a job that runs in such a pool is held to the pool's share, counted
 *        in that pool only (as Run:ai and KAI scope quotas per node pool); other jobs to the site-wide share
 */
public record ProjectQuota(String name, double deservedGpus, double overQuotaWeight, Double limitGpus,
        String department, Map<String, PoolQuota> pools) {

    /** A project's share in one node pool. */
    public record PoolQuota(double deservedGpus, Double limitGpus) {
    }

    public ProjectQuota {
        pools = pools == null ? Map.of() : Map.copyOf(pools);
    }

    /** A project with site-wide shares only. */
    public ProjectQuota(String name, double deservedGpus, double overQuotaWeight, Double limitGpus,
            String department) {
        this(name, deservedGpus, overQuotaWeight, limitGpus, department, Map.of());
    }

    /** The quota of a project this site has not heard of: no deserved share, weight 1, no limit. */
    public static ProjectQuota unknown(String name) {
        return new ProjectQuota(name, 0, 1, null, null);
    }

    /** The deserved GPUs that hold for a job in {@code pool} ({@code null}: any pool). */
    public double deservedIn(String pool) {
        PoolQuota scoped = pool == null ? null : pools.get(pool);
        return scoped != null ? scoped.deservedGpus() : deservedGpus;
    }

    /** The limit that holds for a job in {@code pool}, or {@code null} for none. */
    public Double limitIn(String pool) {
        PoolQuota scoped = pool == null ? null : pools.get(pool);
        return scoped != null ? scoped.limitGpus() : limitGpus;
    }

    /** The pool whose share a job in {@code pool} is held to, or {@code null} when the site-wide share holds. */
    public String scopeOf(String pool) {
        return pool != null && pools.containsKey(pool) ? pool : null;
    }
}
