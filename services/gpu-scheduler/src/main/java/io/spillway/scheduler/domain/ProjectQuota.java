package io.spillway.scheduler.domain;

/**
 * A project's share of the site's GPUs: served first up to {@code deservedGpus}; idle GPUs beyond the deserved
 * shares are divided by {@code overQuotaWeight}; never more than {@code limitGpus} ({@code null}: no limit).
 */
public record ProjectQuota(String name, double deservedGpus, double overQuotaWeight, Double limitGpus,
        String department) {

    /** The quota of a project this site has not heard of: no deserved share, weight 1, no limit. */
    public static ProjectQuota unknown(String name) {
        return new ProjectQuota(name, 0, 1, null, null);
    }
}
