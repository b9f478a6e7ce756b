package io.spillway.storage.config;

import java.nio.file.Path;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** storage-agent's own configuration; the site comes from {@code spillway.site} like every service's. */
@ConfigMapping(prefix = "spillway.storage")
public interface StorageAgentConfig {

    /**
     * The POSIX directory under which this site's filesystems live, one directory each. In production a shared
     * mount (NFS, a parallel filesystem); locally a directory per site.
     */
    @WithDefault("${java.io.tmpdir}/spillway/${spillway.site}/filesystems")
    Path root();

    /**
     * Prefix of the PersistentVolumeClaim that backs a filesystem on Kubernetes: the claim of {@code datasets} is
     * {@code <prefix>datasets}. Keep it a DNS-1123 prefix (lower-case, digits, '-').
     */
    @WithDefault("spillway-fs-")
    String claimPrefix();

    /** CSI storage class of those claims; absent means the cluster's default class. */
    Optional<String> storageClass();
}
