package io.spillway.burst.saga;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the saga asks the rest of the platform to do; the adapters turn each into an event. Every command carries its
 * burst id, and the job id where it concerns one job, so the adapters can attach it to the right traces.
 */
public sealed interface SagaCommand {

    String burstId();

    /**
     * Snapshot {@code filesystem} (or its {@code path}) at {@code site} and upload it.
     *
     * @param jobId the job whose results these are, or {@code null} for the data a burst takes out
     * @param path the subpath, or {@code null} for the whole filesystem
     */
    record RequestSnapshot(String burstId, String jobId, String snapshotId, String site, String filesystem,
            String path) implements SagaCommand {
    }

    /**
     * Restore the snapshot at {@code locator} into {@code filesystem} at {@code site}.
     *
     * @param jobId the job whose results these are, or {@code null} for the data a burst takes out
     * @param priorityPaths the paths the chosen jobs mount, to bring online first; empty when they mount it all
     * @param targetPath for results, the directory inside the home filesystem to restore into, which never holds
     *        home data: {@code .spillway-bursts/<burstId>/<jobId>}
     */
    record RequestRestore(String burstId, String jobId, String restoreId, String locator, String site,
            String filesystem, List<String> priorityPaths, Optional<String> targetPath) implements SagaCommand {

        public RequestRestore {
            priorityPaths = List.copyOf(priorityPaths);
        }
    }

    /** The data the listed jobs need is usable at {@code burstSite}; their reroutes follow. */
    record AnnounceReady(String burstId, String homeSite, String burstSite, List<String> filesystems,
            List<String> jobIds) implements SagaCommand {

        public AnnounceReady {
            filesystems = List.copyOf(filesystems);
            jobIds = List.copyOf(jobIds);
        }
    }

    /**
     * Move a waiting job from its home site to the burst site, or (from the burst site to its home site) send back one
     * that did not start there in time. The site it leaves answers: it hands the job over only if it still waits
     * there, so a job is never run twice.
     *
     * @param answerBy when the saga stops waiting for the home site's answer; the home site declines the reroute from
     *        then on, so a job the burst gave up on never lands at the burst site late; {@code null} for none
     */
    record Reroute(String burstId, String jobId, String fromSite, String toSite, Instant answerBy)
            implements
                SagaCommand {

        /** A reroute whose answer has no deadline: a job sent back home, which its home always takes. */
        public Reroute(String burstId, String jobId, String fromSite, String toSite) {
            this(burstId, jobId, fromSite, toSite, null);
        }
    }

    /**
     * The burst ended before moving any job (the jobs stay queued at home), or a job's reroute or start at the burst
     * site ran out of time and the burst ended once its other jobs were done (jobs that had not run there went home).
     *
     * @param step the step that failed: {@code snapshot}, {@code restore}, {@code reroute} or {@code start}
     * @param reason for a person, e.g. "restore of datasets at cloud timed out after 10m"
     */
    record Fail(String burstId, String homeSite, String burstSite, String step, String reason)
            implements
                SagaCommand {
    }

    /**
     * The burst is over.
     *
     * @param jobsRun the jobs that ran and ended at the burst site
     * @param bytesToBurstSite what the home snapshots uploaded
     * @param bytesToHomeSite what the results snapshots uploaded
     * @param phaseDurationsMs for {@code snapshot}, {@code restore}, {@code run} and {@code results}, from the first
     *        step of the phase to the last
     * @param resultsNotHome per job whose results did not all come home, why
     */
    record Release(String burstId, String homeSite, String burstSite, int jobsRun, long bytesToBurstSite,
            long bytesToHomeSite, Map<String, Long> phaseDurationsMs, Map<String, String> resultsNotHome)
            implements
                SagaCommand {

        public Release {
            phaseDurationsMs = Map.copyOf(phaseDurationsMs);
            resultsNotHome = Map.copyOf(resultsNotHome);
        }
    }
}
