package io.spillway.intake.domain;

import java.time.OffsetDateTime;

/**
 * A project and its share of the GPUs: the scheduler serves a project below {@code deservedGpus} first, divides
 * idle GPUs beyond the deserved shares by {@code overQuotaWeight}, and never gives it more than {@code limitGpus}.
 *
 * @param limitGpus {@code null} for no limit
 * @param department optional grouping of projects above them
 */
public record Project(String name, double deservedGpus, double overQuotaWeight, Double limitGpus, String department,
        OffsetDateTime createdAt) {
}
