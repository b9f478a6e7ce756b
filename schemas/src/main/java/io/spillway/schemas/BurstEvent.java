package io.spillway.schemas;

import java.util.List;
import java.util.Map;

/** The burst saga, on {@link Topics#BURSTS}, keyed by burst id. */
public sealed interface BurstEvent extends SpillwayEvent {

    String burstId();

    @Override
    default String subject() {
        return burstId();
    }

    /** The data the chosen jobs need is online at {@code burstSite}; their reroutes follow. */
    record ClusterBurstReady(String burstId, String homeSite, String burstSite, List<String> filesystems,
            List<String> jobIds) implements BurstEvent {

        public ClusterBurstReady {
            filesystems = filesystems == null ? List.of() : List.copyOf(filesystems);
            jobIds = jobIds == null ? List.of() : List.copyOf(jobIds);
        }
    }

    /**
     * The burst is over, with its totals; {@code phaseDurationsMs} maps each phase to how long it took, and
     * {@code resultsNotHome} names each job whose results could not be brought home, with the reason.
     */
    record ClusterBurstReleased(String burstId, String homeSite, String burstSite, int jobsRun, long bytesToBurstSite,
            long bytesToHomeSite, Map<String, Long> phaseDurationsMs, List<String> resultsNotHome)
            implements
                BurstEvent {

        public ClusterBurstReleased {
            phaseDurationsMs = phaseDurationsMs == null ? Map.of() : Map.copyOf(phaseDurationsMs);
            resultsNotHome = resultsNotHome == null ? List.of() : List.copyOf(resultsNotHome);
        }

        /** A release whose every job's results came home. */
        public ClusterBurstReleased(String burstId, String homeSite, String burstSite, int jobsRun,
                long bytesToBurstSite, long bytesToHomeSite, Map<String, Long> phaseDurationsMs) {
            this(burstId, homeSite, burstSite, jobsRun, bytesToBurstSite, bytesToHomeSite, phaseDurationsMs, List.of());
        }
    }

    /** The burst ended without running its jobs at the burst site; they stay queued at home. */
    record BurstFailed(String burstId, String homeSite, String burstSite, String step, String reason)
            implements
                BurstEvent {
    }
}
