package io.spillway.burst.saga;

import java.util.List;

/**
 * A job that waits at its home site and may run at a burst site, with what that site must offer to run it.
 *
 * @param gpus the GPUs it asks for, all workers together
 * @param nodePool the only node pool it may run in, or {@code null} for any
 * @param gpusPerWorker what one worker needs on one node, or {@code null} when the home site did not say
 * @param workers how many workers start together
 * @param runnableAtHome {@code false} when its home site can never run it: it waits there for a burst site that can
 */
public record Candidate(String jobId, String project, double gpus, List<Volume> volumes, String nodePool,
        Double gpusPerWorker, int workers, boolean runnableAtHome) {

    public Candidate {
        volumes = List.copyOf(volumes);
        if (workers < 1) {
            throw new IllegalArgumentException("a job has at least one worker, not " + workers);
        }
    }

    /** A job of any pool, one worker, that its home site could run: what older signals describe. */
    public Candidate(String jobId, String project, double gpus, List<Volume> volumes) {
        this(jobId, project, gpus, volumes, null, null, 1, true);
    }

    /** The distinct filesystems the job mounts, in the order it mounts them. */
    public List<String> filesystems() {
        return volumes.stream().map(Volume::filesystem).distinct().toList();
    }
}
