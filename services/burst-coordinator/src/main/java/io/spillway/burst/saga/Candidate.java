package io.spillway.burst.saga;

import java.util.List;

/** A job that waits for capacity at its home site and may run at a burst site. */
public record Candidate(String jobId, String project, double gpus, List<Volume> volumes) {

    public Candidate {
        volumes = List.copyOf(volumes);
    }

    /** The distinct filesystems the job mounts, in the order it mounts them. */
    public List<String> filesystems() {
        return volumes.stream().map(Volume::filesystem).distinct().toList();
    }
}
