package io.spillway.snapshot.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * snapshot-worker's configuration: the sites it serves and their filesystem roots ({@code spillway.snapshot.*}), and
 * the object store it writes ({@code spillway.s3.*}). Two mappings, because a mapping owns its whole prefix and
 * {@code spillway.*} also holds settings of the service kit.
 */
public interface SnapshotWorkerConfig {

    /** {@code spillway.snapshot.*}: the filesystems to snapshot. */
    @ConfigMapping(prefix = "spillway.snapshot")
    interface Snapshot {

        /**
         * Each site's filesystem root, the directory its storage-agent's {@code spillway.storage.root} names:
         * {@code spillway.snapshot.sites.<site>.root}. application.properties sets {@code onprem} and {@code cloud}
         * to storage-agent's default roots, {@code ${java.io.tmpdir}/spillway/<site>/filesystems}.
         */
        Map<String, Site> sites();

        /**
         * The sites whose requests this worker takes (snapshots of their filesystems, restores into them, deletes
         * and policies of their snapshots), each with a root in {@link #sites()}; requests for other sites are left
         * to their own worker. Default: {@code spillway.site}, one worker per site next to its storage.
         */
        @WithDefault("${spillway.site}")
        List<String> serves();

        /** How file content is cut into chunks: {@code spillway.snapshot.chunking.*}. */
        Chunking chunking();

        /** Client-side encryption: {@code spillway.snapshot.encryption.*}; none unless a key is set. */
        Encryption encryption();

        /** Chunks are packed into objects of about this many MiB (restic's default is 16). */
        @WithDefault("16")
        int packSizeMib();

        /** Packs uploaded at once while chunking goes on. */
        @WithDefault("4")
        int uploadThreads();

        /** Files fetched and written at once by a restore. */
        @WithDefault("8")
        int restoreThreads();

        /**
         * The least time between two {@code SnapshotProgress} (or {@code RestoreProgress}) events of one snapshot
         * (restore); the first comes one interval after the start, so a shorter run sends none.
         */
        @WithDefault("2s")
        Duration progressInterval();

        /**
         * Periodic snapshots and retention, one policy per name: {@code spillway.snapshot.policies.<name>.*}. The name
         * is part of the ids of the policy's periodic snapshots. None by default.
         */
        Map<String, Policy> policies();

        /** How retention, leases and garbage collection run: {@code spillway.snapshot.retention.*}. */
        Retention retention();

        /** The JIT warm-up at start: {@code spillway.snapshot.warm-up.*}. */
        WarmUp warmUp();
    }

    /**
     * At start, the snapshot and restore path runs once over generated data in memory, in the background, so the
     * first real restore does not pay for compiling it.
     */
    interface WarmUp {

        @WithDefault("true")
        boolean enabled();

        /** Where the generated data is written and deleted: {@code /dev/shm} where writable, else java.io.tmpdir. */
        Optional<Path> directory();
    }

    /** The repository key: AES-256-GCM, so data leaves the site encrypted. */
    interface Encryption {

        /** Base64 of 32 random bytes ({@code openssl rand -base64 32}). */
        Optional<String> key();

        /** A file holding the key in base64, e.g. a Kubernetes secret mounted as a volume. */
        Optional<Path> keyFile();
    }

    /** A policy for one path of one filesystem at one site; checked at start-up (see RetentionPolicies). */
    interface Policy {

        /** The site, one of {@code spillway.snapshot.sites}. */
        String site();

        /** The filesystem, a name under the site's root. */
        String filesystem();

        /** A path inside the filesystem; absent: all of it. The policy governs only snapshots of this path. */
        Optional<String> path();

        /** Take a snapshot when the latest one of this path is older than this (the RPO); absent: none periodic. */
        Optional<Duration> every();

        /** Keep the newest N snapshots (at least 1); absent: no such rule. */
        OptionalInt keepLast();

        /** Keep the newest snapshot of each of the last D days (UTC) that have one (at least 1); absent: no rule. */
        OptionalInt keepDaily();
    }

    /** Retention, leases and garbage collection. */
    interface Retention {

        /** How often policies are applied: periodic snapshots requested, snapshots forgotten, due collections run. */
        @WithDefault("1m")
        Duration tick();

        /**
         * A snapshot younger than this is never forgotten, whatever the policy says: a burst may be about to restore
         * the snapshot it just took.
         */
        @WithDefault("1h")
        Duration minAge();

        /** A periodic snapshot requested this long ago without an answer no longer holds back the next one. */
        @WithDefault("1h")
        Duration pendingTimeout();

        /** Garbage collection runs this long after the last deletion (deletions in a row share one collection). */
        @WithDefault("5m")
        Duration gcDebounce();

        /**
         * A chunk stored less than this before a collection starts is kept by it, a second guard beside the lease
         * for a snapshot that runs without one (lease expired); it also absorbs clock skew with the store.
         */
        @WithDefault("15m")
        Duration gcGrace();

        /** A lease not renewed for this long is void: a crashed worker blocks collections at most this long. */
        @WithDefault("2m")
        Duration leaseTtl();

        /** How long a snapshot or restore waits for a running collection before it fails. */
        @WithDefault("30m")
        Duration leaseWait();
    }

    /** The chunker. */
    interface Chunking {

        /**
         * {@code fastcdc} (content-defined, 256 KiB / 1 MiB / 4 MiB) or {@code fixed} (4 MiB). Switching makes the
         * next snapshot of every filesystem read and cut everything again, since a parent cut another way is not
         * reused.
         */
        @WithDefault("fastcdc")
        Algorithm algorithm();
    }

    /** The chunking algorithms. */
    enum Algorithm {
        FASTCDC,
        FIXED
    }

    /** One site. */
    interface Site {

        /** The directory under which the site's filesystems are, one directory each. */
        Path root();
    }

    /** {@code spillway.s3.*}: the S3 (or S3-compatible) store that holds chunks and manifests. */
    @ConfigMapping(prefix = "spillway.s3")
    interface S3 {

        /** The store's endpoint, e.g. {@code http://127.0.0.1:9000}; absent: AWS S3 for the region. */
        Optional<String> endpoint();

        @WithDefault("us-east-1")
        String region();

        /**
         * With {@link #secretKey()}, static keys; both absent: the SDK's default credentials chain (system properties,
         * environment, web identity as on EKS with IRSA, profile, container and instance roles). One without the
         * other stops the worker.
         */
        Optional<String> accessKey();

        Optional<String> secretKey();

        @WithDefault("spillway")
        String bucket();

        /** Path-style addressing ({@code endpoint/bucket/key}), which S3-compatible stores on an IP need. */
        @WithDefault("true")
        boolean pathStyleAccess();

        /** Create the bucket on first use when it is missing, as a local store needs; off for a managed store. */
        @WithDefault("true")
        boolean createBucket();

        /**
         * Server-side encryption the store applies to every object the worker writes (single PUTs and multipart
         * uploads): {@code none}, {@code AES256} (SSE-S3), {@code aws:kms} (SSE-KMS) or {@code aws:kms:dsse}
         * (DSSE-KMS). Independent of {@code spillway.snapshot.encryption.*}, which seals data before it leaves.
         */
        @WithDefault("none")
        String serverSideEncryption();

        /**
         * The KMS key (id, ARN or alias ARN) for {@code aws:kms} and {@code aws:kms:dsse}; absent: the bucket's
         * default, else the account's AWS managed key {@code aws/s3}.
         */
        Optional<String> kmsKeyId();
    }
}
