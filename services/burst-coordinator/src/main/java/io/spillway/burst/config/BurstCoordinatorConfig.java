package io.spillway.burst.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** burst-coordinator's configuration. */
@ConfigMapping(prefix = "spillway.burst")
public interface BurstCoordinatorConfig {

    /**
     * The sites bursts may go to, by name, with what each can give burst jobs; the order is the order of preference
     * when everything else is equal. {@code application.properties} configures {@code cloud} with 8 GPUs.
     */
    Map<String, Site> sites();

    /**
     * The name earlier versions used for their one burst site. When set, bursts go to that site only; it must be one
     * of {@link #sites()}. Prefer configuring {@code sites} alone.
     */
    Optional<String> burstSite();

    Timeouts timeouts();

    /** How old an earlier burst's restore may be and still make its site preferred: restoring there again is cheap. */
    @WithDefault("24h")
    Duration recentRestoreWindow();

    /** How often every open burst is checked for overdue steps. */
    @WithDefault("5s")
    Duration tick();

    /** One burst site. */
    interface Site {

        /** How many GPUs its scheduler can give burst jobs. */
        int gpus();

        /** The node pools it has; absent when it runs jobs of any pool. A job of another pool never bursts there. */
        Optional<List<String>> pools();

        /** The most GPUs one of its nodes has; absent for no limit. A job asking more per worker never bursts there. */
        OptionalInt largestNodeGpus();
    }

    /** How long each step may take before the burst gives up on it. */
    interface Timeouts {

        /** From asking for a snapshot to its upload. */
        @WithDefault("10m")
        Duration snapshot();

        /** From asking for a restore to the data being usable for the jobs waiting on it. */
        @WithDefault("20m")
        Duration restore();

        /**
         * From sending a job to the burst site (or back home) to the answer of the site that gives it up. A home site
         * that does not answer keeps the job; the burst then ends.
         */
        @WithDefault("5m")
        Duration reroute();

        /**
         * From a job being queued at the burst site to its start there. A job that has not started by then is sent
         * back home, and the burst ends once its other jobs are done.
         */
        @WithDefault("30m")
        Duration start();
    }
}
