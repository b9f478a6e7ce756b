package io.spillway.scheduler.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The gpu-scheduler's settings, under {@code spillway.scheduler}; the site itself is {@code spillway.site}. */
@ConfigMapping(prefix = "spillway.scheduler")
public interface SchedulerConfig {

    /**
     * Where the GPU inventory comes from: {@code auto} reads the local GPUs with {@code nvidia-smi} when it is on the
     * PATH and falls back to {@link #nodes()} when it is not; {@code config} always uses {@link #nodes()};
     * {@code kubernetes} reads the cluster's GPU nodes (see {@link #kubernetes()}).
     */
    @WithDefault("auto")
    InventorySource inventory();

    /**
     * The site's nodes by name, when the inventory comes from configuration; none configured means one node {@code local-0}
     * with 2 GPUs.
     */
    Map<String, NodeConfig> nodes();

    /** The node name under which the GPUs found by {@code nvidia-smi} are scheduled. */
    @WithDefault("local-0")
    String localNode();

    /** The {@code nvidia-smi} command: a name looked up on the PATH, or a path. */
    @WithDefault("nvidia-smi")
    String nvidiaSmi();

    /** Parent of the per-job working directories; each job's {@code output.log} lives in its own. */
    @WithDefault("${java.io.tmpdir}/spillway/${spillway.site:onprem}/jobs")
    Path workDir();

    /**
     * Where this site's filesystems live ({@code <root>/<filesystem>}), for the local executor to hand jobs their
     * volumes; the storage-agent's root in local mode.
     */
    Optional<Path> filesystemRoot();

    /**
     * The base URL of this site's storage-agent ({@code http://host:port}). When set, a job's volumes are mounts
     * that the storage-agent grants before the job starts (a host path for the local executor, a claim for the
     * Kubernetes executor) and that are released when it ends; absent, volumes come from {@link #filesystemRoot()}
     * and {@code kubernetes.claim-prefix}, and no filesystem knows it is in use.
     */
    Optional<java.net.URI> storageUrl();

    /** How long one call to the storage-agent may take before it counts as unreachable. */
    @WithDefault("5s")
    Duration storageTimeout();

    /** How long a cancelled job has between SIGTERM and SIGKILL. */
    @WithDefault("10s")
    Duration cancelGracePeriod();

    /** How long a preempted job has between SIGTERM and SIGKILL (a checkpoint's worth of time). */
    @WithDefault("30s")
    Duration preemptGracePeriod();

    /** When the site's queue counts as overflowing, which is what starts a burst. */
    Queue queue();

    /** How often a scheduling pass runs when no event triggers one. */
    @WithDefault("5s")
    Duration passInterval();

    /** At most this many jobs share one GPU. */
    @WithDefault("8")
    int maxJobsPerGpu();

    /**
     * The site's active/standby lease, a row of the scheduler's schema: only the instance that holds it runs passes and
     * starts, adopts and stops processes; another instance of the site waits to take it over.
     */
    Lease lease();

    /** The timing of the site's lease (see {@code LeasePolicy}). */
    interface Lease {

        /**
         * How long the lease lasts after a renewal, on the database's clock: a standby takes over at most this long
         * (plus one {@link #renewEvery()}) after the leader's last renewal.
         */
        @WithDefault("10s")
        Duration ttl();

        /** How often the leader renews the lease, and a standby tries to take it. */
        @WithDefault("2s")
        Duration renewEvery();

        /**
         * How long before the lease can expire a leader that could not renew it stops acting (no pass, no process
         * start); must leave room for a renewal: {@code renew-every < ttl - safety-margin}.
         */
        @WithDefault("3s")
        Duration safetyMargin();
    }

    /** The queue-threshold signal. */
    interface Queue {

        /** {@code QueueThresholdExceeded} when more jobs than this wait for GPUs (not for their quota). */
        @WithDefault("10")
        int threshold();

        /** {@code QueueDrained} once the waiting jobs are back to this many; absent: half the threshold. */
        java.util.OptionalInt lowWatermark();

        /** How long the count must stay past a mark before the signal fires, so a brief spike does not flap. */
        @WithDefault("30s")
        Duration debounce();
    }

    /** What runs the jobs: {@code local} processes of this machine, or {@code kubernetes} pods. */
    @WithDefault("local")
    ExecutorKind executor();

    /** The cluster, when the executor or the inventory is {@code kubernetes}. */
    KubernetesConfig kubernetes();

    /** Where the inventory comes from. */
    enum InventorySource {
        AUTO,
        CONFIG,
        KUBERNETES
    }

    /** What runs the jobs. */
    enum ExecutorKind {
        LOCAL,
        KUBERNETES
    }

    /**
     * The Kubernetes executor's and inventory's settings; the connection itself is
     * {@code quarkus.kubernetes-client.*}.
     */
    interface KubernetesConfig {

        /** The namespace of the job pods; absent means the client's own (kubeconfig context or service account). */
        Optional<String> namespace();

        /** A volume of filesystem {@code fs} mounts the PersistentVolumeClaim named this prefix + {@code fs}. */
        @WithDefault("spillway-fs-")
        String claimPrefix();

        /** The node label whose value is the node's pool; a node without it is in pool {@code default}. */
        @WithDefault("spillway.io/pool")
        String poolLabel();

        /** Memory of each GPU of a node that has no {@code nvidia.com/gpu.memory} label, in MiB. */
        @WithDefault("81920")
        int gpuMemoryMib();
    }

    /** One configured node. */
    interface NodeConfig {

        /** Number of GPUs, with ids 0..gpus-1. */
        @WithDefault("1")
        int gpus();

        /** Memory of each GPU, in MiB. */
        @WithDefault("81920")
        int gpuMemoryMib();

        /** The node pool it belongs to. */
        @WithDefault("default")
        String pool();
    }
}
