package io.spillway.schemas;

import java.util.List;

/**
 * A job that waits for capacity at its home site and may run at a burst site, with the filesystems it mounts and what
 * a site must offer to run it. The shape fields came later: a candidate without them (an older scheduler's) runs on
 * any pool, asks for {@code gpus} on one node as one worker, and could run at home.
 *
 * @param nodePool the only node pool the job may run in, or {@code null} for any
 * @param gpusPerWorker what each worker needs on one node: whole GPUs, or a share of one below 1; {@code null} when
 *        unknown
 * @param workers how many workers start together (a gang), each with {@code gpusPerWorker}; {@code null} when unknown
 * @param runnableAtHome {@code false} when the home site can never run the job (its pool is missing there, no node is
 *        large enough, the gang does not fit even the empty site): only a burst site that can is any use to it;
 *        {@code null} means it can
 */
public record BurstCandidate(String jobId, String project, double gpus, List<String> filesystems, String nodePool,
        Double gpusPerWorker, Integer workers, Boolean runnableAtHome) {

    public BurstCandidate {
        filesystems = filesystems == null ? List.of() : List.copyOf(filesystems);
    }

    /** A candidate as schedulers before the shape fields sent it. */
    public BurstCandidate(String jobId, String project, double gpus, List<String> filesystems) {
        this(jobId, project, gpus, filesystems, null, null, null, null);
    }

    /** Whether its home site could run it, given time; a candidate that does not say could. */
    public boolean mayRunAtHome() {
        return runnableAtHome == null || runnableAtHome;
    }
}
