package io.spillway.scheduler.persistence;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import io.spillway.scheduler.domain.JobState;
import io.spillway.scheduler.domain.Priority;
import io.spillway.scheduler.domain.Requirements;
import io.spillway.schemas.JobSpec;
import io.spillway.schemas.VolumeMount;

/**
 * A job of this site as the database holds it.
 *
 * @param node where it holds or held GPUs, or {@code null} before it was allocated
 * @param traceparent the job's trace, continued by every event about it
 * @param spec what the job asked for, or {@code null} when the stored spec cannot be read
 */
public record StoredJob(
        String jobId,
        JobState state,
        String reason,
        String traceparent,
        OffsetDateTime submittedAt,
        OffsetDateTime startedAt,
        OffsetDateTime endedAt,
        Integer exitCode,
        boolean cancelRequested,
        boolean preemptRequested,
        String preemptReason,
        String waitKind,
        JobSpec spec,
        String node,
        List<String> gpuIds,
        Double gpuFraction) {

    public StoredJob {
        gpuIds = gpuIds == null ? List.of() : List.copyOf(gpuIds);
    }

    /** What the job asks for, as the scheduling core reads it; {@code null} when its spec cannot be read. */
    public Requirements requirements() {
        if (spec == null) {
            return null;
        }
        List<String> filesystems = new ArrayList<>();
        for (VolumeMount volume : spec.volumes()) {
            if (!filesystems.contains(volume.filesystem())) {
                filesystems.add(volume.filesystem());
            }
        }
        return new Requirements(spec.project(), priority(), spec.gpu(), spec.gpuMemoryMiB(), spec.workers(),
                spec.nodePool(), spec.mayBurst(), filesystems);
    }

    /** The job's class; a job whose spec cannot be read counts as training, the class that gives way first. */
    public Priority priority() {
        return spec == null ? Priority.TRAIN : Priority.of(spec.priority() == null ? null : spec.priority().name());
    }

    /** The volumes the job mounts; none when its spec cannot be read. */
    public List<VolumeMount> volumes() {
        return spec == null ? List.of() : spec.volumes();
    }
}
