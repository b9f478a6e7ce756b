package io.spillway.storage.config;

import java.nio.file.Path;

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
}
