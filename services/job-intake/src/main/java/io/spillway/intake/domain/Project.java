package io.spillway.intake.domain;

import java.time.OffsetDateTime;
import java.util.Map;

import io.spillway.schemas.PoolShare;

/**
 * A project and its share of the GPUs: the scheduler serves a project below {@code deservedGpus} first, divides
 * idle GPUs beyond the deserved shares by {@code overQuotaWeight}, and never gives it more than {@code limitGpus}.
 *
 * @param limitGpus {@code null} for no limit
 * @param department optional grouping of projects above them
 * @param pools shares in single node pools, by pool name: a job in such a pool is held to the pool's share
 */
public record Project(String name, double deservedGpus, double overQuotaWeight, Double limitGpus, String department,
        OffsetDateTime createdAt, Map<String, PoolShare> pools) {

    public Project {
        pools = pools == null ? Map.of() : Map.copyOf(pools);
    }

    /** A project with site-wide shares only. */
    public Project(String name, double deservedGpus, double overQuotaWeight, Double limitGpus, String department,
            OffsetDateTime createdAt) {
        this(name, deservedGpus, overQuotaWeight, limitGpus, department, createdAt, Map.of());
    }
}
