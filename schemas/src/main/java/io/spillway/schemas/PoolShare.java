package io.spillway.schemas;

/**
 * A project's share in one node pool: jobs that run in that pool are held to it instead of the project's site-wide
 * share.
 *
 * @param limitGpus {@code null}: no limit of its own in the pool
 */
public record PoolShare(double deservedGpus, Double limitGpus) {
}
