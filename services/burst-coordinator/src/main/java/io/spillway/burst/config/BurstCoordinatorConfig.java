package io.spillway.burst.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** burst-coordinator's configuration. */
@ConfigMapping(prefix = "spillway.burst")
public interface BurstCoordinatorConfig {

    /** The site bursts go to: its storage-agent restores the data and its scheduler runs the jobs. */
    @WithDefault("cloud")
    String burstSite();
}
