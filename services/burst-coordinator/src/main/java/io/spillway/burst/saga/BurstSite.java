package io.spillway.burst.saga;

import java.util.Set;

/**
 * A site bursts may go to, from configuration, with the shape of what it can run.
 *
 * @param gpus how many GPUs its scheduler can give burst jobs
 * @param pools the node pools it has; empty when it runs any pool's jobs (a site that does not say)
 * @param largestNodeGpus the most GPUs one of its nodes has, so the most one worker may ask for; {@code null} when
 *        not configured (any worker size)
 */
public record BurstSite(String name, double gpus, Set<String> pools, Integer largestNodeGpus) {

    public BurstSite {
        pools = Set.copyOf(pools);
    }

    /** A site that runs any pool's jobs on nodes of any size. */
    public BurstSite(String name, double gpus) {
        this(name, gpus, Set.of(), null);
    }

    /**
     * Whether this site could run the job at all, even empty: its pool is here, one worker fits one node, and the
     * whole gang fits the site's GPUs. What is free now is {@link SiteChooser#fit}'s business.
     */
    public boolean canRun(Candidate job) {
        return whyNot(job) == null;
    }

    /** Why this site can never run the job, for a person; {@code null} when it can. */
    public String whyNot(Candidate job) {
        if (job.nodePool() != null && !pools.isEmpty() && !pools.contains(job.nodePool())) {
            return name + " has no node pool " + job.nodePool();
        }
        if (job.gpusPerWorker() != null && largestNodeGpus != null
                && job.gpusPerWorker() > largestNodeGpus + SiteChooser.GPU_EPSILON) {
            return "no node at " + name + " has " + job.gpusPerWorker() + " GPUs: the largest has " + largestNodeGpus;
        }
        if (job.gpus() > gpus + SiteChooser.GPU_EPSILON) {
            return name + " gives burst jobs " + gpus + " GPUs, fewer than the " + job.gpus() + " it asks for";
        }
        return null;
    }
}
