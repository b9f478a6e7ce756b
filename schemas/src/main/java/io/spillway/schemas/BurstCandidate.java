package io.spillway.schemas;

import java.util.List;

/** A job that waits for capacity at its home site and may run at a burst site, with the filesystems it mounts. */
public record BurstCandidate(String jobId, String project, double gpus, List<String> filesystems) {

    public BurstCandidate {
        filesystems = filesystems == null ? List.of() : List.copyOf(filesystems);
    }
}
