package io.spillway.schemas;

import java.util.List;
import java.util.Map;

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

/** One realistic instance of every event type, with every optional field filled. */
final class SampleEvents {

    static final JobSpec SPEC = new JobSpec("resnet-train", "vision", "pytorch/pytorch:2.4",
            List.of("python", "train.py", "--epochs", "3"), 0.5, null, 4.0, 16384, 1, PriorityClass.TRAIN,
            List.of(new VolumeMount("datasets", "imagenet", "/data", true),
                    new VolumeMount("results", null, "/out", false)),
            Map.of("EPOCHS", "3"), "a100", true);

    private SampleEvents() {
    }

    static Map<EventType, SpillwayEvent> all() {
        return Map.ofEntries(
                Map.entry(EventType.JOB_SUBMITTED, new JobSubmitted("job-1", "onprem", SPEC, "alice")),
                Map.entry(EventType.JOB_CANCELLED, new JobCancelled("job-1", "wrong dataset", "alice")),
                Map.entry(EventType.JOB_PENDING, new JobPending("job-1", "onprem", "no node with 4 free GPUs")),
                Map.entry(EventType.GPU_ALLOCATED, new GpuAllocated("job-1", "onprem",
                        List.of(new Placement(0, "node-a", List.of("0"), 0.5)))),
                Map.entry(EventType.JOB_STARTED, new JobStarted("job-1", "onprem", "local", "node-a")),
                Map.entry(EventType.JOB_COMPLETED, new JobCompleted("job-1", "onprem", 0, 1234)),
                Map.entry(EventType.JOB_FAILED, new JobFailed("job-1", "onprem", 3, "exit code 3", 99)),
                Map.entry(EventType.JOB_PREEMPTED, new JobPreempted("job-1", "onprem", "reclaimed by nlp", "job-2")),
                Map.entry(EventType.JOB_REROUTED, new JobRerouted("job-1", "onprem", "cloud", "burst-1",
                        "2026-11-29T11:05:00Z")),
                Map.entry(EventType.JOB_HANDED_OVER, new JobHandedOver("job-1", "onprem", "cloud", "burst-1")),
                Map.entry(EventType.JOB_REROUTE_DECLINED, new JobRerouteDeclined("job-1", "onprem", "cloud",
                        "burst-1", "already running at onprem")),
                Map.entry(EventType.QUEUE_THRESHOLD_EXCEEDED, new QueueThresholdExceeded("onprem", 12, 10,
                        List.of(new BurstCandidate("job-1", "vision", 0.5, List.of("datasets", "results")),
                                new BurstCandidate("job-2", "vision", 16, List.of("datasets"), "h200", 8.0, 2,
                                        false)))),
                Map.entry(EventType.QUEUE_DRAINED, new QueueDrained("onprem", 2, 2)),
                Map.entry(EventType.FILESYSTEM_REQUESTED, new FilesystemRequested("req-1", "cloud", "datasets")),
                Map.entry(EventType.FILESYSTEM_READY, new FilesystemReady("req-1", "cloud", "datasets",
                        "/srv/spillway/cloud/datasets", List.of("imagenet"))),
                Map.entry(EventType.SNAPSHOT_REQUESTED, new SnapshotRequested("snap-1", "onprem", "datasets",
                        "imagenet", "burst-1")),
                Map.entry(EventType.SNAPSHOT_CREATED, new SnapshotCreated("snap-1", "onprem", "datasets", 20, 4096,
                        "burst-1")),
                Map.entry(EventType.SNAPSHOT_UPLOADED, new SnapshotUploaded("snap-1", "onprem", "datasets",
                        "snapshots/datasets/snap-1.json", 4096, 4096, 3, 1, 42, "burst-1")),
                Map.entry(EventType.SNAPSHOT_FAILED, new SnapshotFailed("snap-1", "onprem", "datasets",
                        "filesystem datasets does not exist at onprem", "burst-1")),
                Map.entry(EventType.RESTORE_REQUESTED, new RestoreRequested("restore-1",
                        "snapshots/datasets/snap-1.json", "cloud", "datasets", List.of("imagenet"), "burst-1",
                        ".spillway-bursts/burst-1/job-1")),
                Map.entry(EventType.SNAPSHOT_RESTORED, new SnapshotRestored("restore-1",
                        "snapshots/datasets/snap-1.json", "cloud", "datasets", 20, 4096, 17, "burst-1")),
                Map.entry(EventType.RESTORE_FAILED, new RestoreFailed("restore-1", "snapshots/datasets/snap-1.json",
                        "cloud", "datasets", "CHUNK_CORRUPT: chunk 3f2a of file 'imagenet/a.bin' is corrupt", "burst-1")),
                Map.entry(EventType.SNAPSHOT_PROGRESS, new SnapshotProgress("snap-1", "onprem", "datasets", 10, 20,
                        2048, 4096, "burst-1")),
                Map.entry(EventType.RESTORE_PROGRESS, new RestoreProgress("restore-1", "cloud", "datasets", 10, 20,
                        2048, 4096, "burst-1")),
                Map.entry(EventType.SNAPSHOT_DELETE_REQUESTED, new SnapshotDeleteRequested("snap-1", "datasets",
                        "asked by admin")),
                Map.entry(EventType.SNAPSHOT_DELETED, new SnapshotDeleted("snap-1", "onprem", "datasets",
                        "snapshots/datasets/snap-1.json", "retention: beyond keep-last 3")),
                Map.entry(EventType.CLUSTER_BURST_READY, new ClusterBurstReady("burst-1", "onprem", "cloud",
                        List.of("datasets"), List.of("job-1"))),
                Map.entry(EventType.CLUSTER_BURST_RELEASED, new ClusterBurstReleased("burst-1", "onprem", "cloud", 12,
                        4096, 1024, Map.of("snapshot", 42L, "restore", 17L),
                        List.of("job-9: restore of results at onprem failed"))),
                Map.entry(EventType.BURST_FAILED, new BurstFailed("burst-1", "onprem", "cloud", "snapshot",
                        "snapshot of datasets timed out after 600 s")),
                Map.entry(EventType.PROJECT_UPDATED, new ProjectUpdated("vision", 4, 2, 8.0, "research",
                        Map.of("a100", new PoolShare(2, 4.0), "t4", new PoolShare(1, null)))),
                Map.entry(EventType.PROJECT_DELETED, new ProjectDeleted("vision")));
    }
}
