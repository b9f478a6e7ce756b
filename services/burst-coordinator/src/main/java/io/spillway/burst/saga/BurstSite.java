package io.spillway.burst.saga;

/**
 * A site bursts may go to, from configuration.
 *
 * @param gpus how many GPUs its scheduler can give burst jobs
 */
public record BurstSite(String name, double gpus) {
}
