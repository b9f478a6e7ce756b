package io.spillway.schemas;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.spillway.schemas.BurstEvent.BurstFailed;
import io.spillway.schemas.BurstEvent.ClusterBurstReady;
import io.spillway.schemas.BurstEvent.ClusterBurstReleased;
import io.spillway.schemas.JobEvent.GpuAllocated;
import io.spillway.schemas.JobEvent.JobCancelled;
import io.spillway.schemas.JobEvent.JobCompleted;
import io.spillway.schemas.JobEvent.JobFailed;
import io.spillway.schemas.JobEvent.JobHandedOver;
import io.spillway.schemas.JobEvent.JobPending;
import io.spillway.schemas.JobEvent.JobPreempted;
import io.spillway.schemas.JobEvent.JobRerouteDeclined;
import io.spillway.schemas.JobEvent.JobRerouted;
import io.spillway.schemas.JobEvent.JobStarted;
import io.spillway.schemas.JobEvent.JobSubmitted;
import io.spillway.schemas.ProjectEvent.ProjectDeleted;
import io.spillway.schemas.ProjectEvent.ProjectUpdated;
import io.spillway.schemas.QueueEvent.QueueDrained;
import io.spillway.schemas.QueueEvent.QueueThresholdExceeded;
import io.spillway.schemas.StorageEvent.FilesystemReady;
import io.spillway.schemas.StorageEvent.FilesystemRequested;
import io.spillway.schemas.StorageEvent.RestoreFailed;
import io.spillway.schemas.StorageEvent.RestoreProgress;
import io.spillway.schemas.StorageEvent.RestoreRequested;
import io.spillway.schemas.StorageEvent.SnapshotCreated;
import io.spillway.schemas.StorageEvent.SnapshotDeleteRequested;
import io.spillway.schemas.StorageEvent.SnapshotDeleted;
import io.spillway.schemas.StorageEvent.SnapshotFailed;
import io.spillway.schemas.StorageEvent.SnapshotProgress;
import io.spillway.schemas.StorageEvent.SnapshotRequested;
import io.spillway.schemas.StorageEvent.SnapshotRestored;
import io.spillway.schemas.StorageEvent.SnapshotUploaded;

/** The registry of event types: CloudEvents type, Java record, topic and JSON Schema of each, in one place. */
public enum EventType {
    JOB_SUBMITTED(JobSubmitted.class, Topics.JOBS),
    JOB_CANCELLED(JobCancelled.class, Topics.JOBS),
    JOB_PENDING(JobPending.class, Topics.JOBS),
    GPU_ALLOCATED(GpuAllocated.class, Topics.JOBS),
    JOB_STARTED(JobStarted.class, Topics.JOBS),
    JOB_COMPLETED(JobCompleted.class, Topics.JOBS),
    JOB_FAILED(JobFailed.class, Topics.JOBS),
    JOB_PREEMPTED(JobPreempted.class, Topics.JOBS),
    JOB_REROUTED(JobRerouted.class, Topics.JOBS),
    JOB_HANDED_OVER(JobHandedOver.class, Topics.JOBS),
    JOB_REROUTE_DECLINED(JobRerouteDeclined.class, Topics.JOBS),
    QUEUE_THRESHOLD_EXCEEDED(QueueThresholdExceeded.class, Topics.QUEUES),
    QUEUE_DRAINED(QueueDrained.class, Topics.QUEUES),
    FILESYSTEM_REQUESTED(FilesystemRequested.class, Topics.SNAPSHOTS),
    FILESYSTEM_READY(FilesystemReady.class, Topics.SNAPSHOTS),
    SNAPSHOT_REQUESTED(SnapshotRequested.class, Topics.SNAPSHOTS),
    SNAPSHOT_CREATED(SnapshotCreated.class, Topics.SNAPSHOTS),
    SNAPSHOT_UPLOADED(SnapshotUploaded.class, Topics.SNAPSHOTS),
    SNAPSHOT_FAILED(SnapshotFailed.class, Topics.SNAPSHOTS),
    RESTORE_REQUESTED(RestoreRequested.class, Topics.SNAPSHOTS),
    SNAPSHOT_RESTORED(SnapshotRestored.class, Topics.SNAPSHOTS),
    RESTORE_FAILED(RestoreFailed.class, Topics.SNAPSHOTS),
    SNAPSHOT_PROGRESS(SnapshotProgress.class, Topics.SNAPSHOTS),
    RESTORE_PROGRESS(RestoreProgress.class, Topics.SNAPSHOTS),
    SNAPSHOT_DELETE_REQUESTED(SnapshotDeleteRequested.class, Topics.SNAPSHOTS),
    SNAPSHOT_DELETED(SnapshotDeleted.class, Topics.SNAPSHOTS),
    CLUSTER_BURST_READY(ClusterBurstReady.class, Topics.BURSTS),
    CLUSTER_BURST_RELEASED(ClusterBurstReleased.class, Topics.BURSTS),
    BURST_FAILED(BurstFailed.class, Topics.BURSTS),
    PROJECT_UPDATED(ProjectUpdated.class, Topics.PROJECTS),
    PROJECT_DELETED(ProjectDeleted.class, Topics.PROJECTS);

    private static final Map<String, EventType> BY_CE_TYPE = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(EventType::ceType, Function.identity()));
    private static final Map<Class<?>, EventType> BY_CLASS = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(EventType::recordClass, Function.identity()));

    private final Class<? extends SpillwayEvent> recordClass;
    private final String topic;
    private final String ceType;

    EventType(Class<? extends SpillwayEvent> recordClass, String topic) {
        this.recordClass = recordClass;
        this.topic = topic;
        this.ceType = "io.spillway." + recordClass.getSimpleName() + ".v1";
    }

    public Class<? extends SpillwayEvent> recordClass() {
        return recordClass;
    }

    public String topic() {
        return topic;
    }

    /** {@code io.spillway.<EventName>.v1}. */
    public String ceType() {
        return ceType;
    }

    /** The event name, e.g. {@code JobSubmitted}. */
    public String eventName() {
        return recordClass.getSimpleName();
    }

    /** The classpath resource of this type's JSON Schema. */
    public String schemaResource() {
        return "/io/spillway/schemas/json/" + eventName() + ".v1.schema.json";
    }

    public static Optional<EventType> fromCeType(String ceType) {
        return Optional.ofNullable(ceType).map(BY_CE_TYPE::get);
    }

    public static EventType of(SpillwayEvent event) {
        return BY_CLASS.get(event.getClass());
    }

    public static EventType of(Class<? extends SpillwayEvent> recordClass) {
        return BY_CLASS.get(recordClass);
    }
}
