package io.spillway.burst.messaging;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.spillway.burst.saga.BurstJob;
import io.spillway.burst.saga.BurstState;
import io.spillway.burst.saga.SagaCommand;
import io.spillway.burst.saga.Transfer;
import io.spillway.burst.saga.TransferState;
import io.spillway.burst.saga.Volume;

/**
 * The spans a saga decision adds to the traces of the jobs it concerns, so that one job's trace shows its whole
 * burst: chosen ({@value #DECISION}), its data snapshotted and restored ({@value #SNAPSHOT}, {@value #RESTORE}, with
 * the times of the shared transfer, which runs in the burst's trace), moved ({@value #REROUTE}) and its results sent
 * home ({@value #RESULTS_SNAPSHOT}, {@value #RESULTS_RESTORE}). Pure: {@link SagaRunner} turns each into a span.
 */
final class JobSpans {

    static final String DECISION = "burst.decision";
    static final String SNAPSHOT = "burst.snapshot";
    static final String RESTORE = "burst.restore";
    static final String REROUTE = "burst.reroute";
    static final String RESULTS_SNAPSHOT = "burst.results.snapshot";
    static final String RESULTS_RESTORE = "burst.results.restore";

    static final String BURST_ID = "spillway.burst.id";
    static final String JOB_ID = "spillway.job.id";

    private JobSpans() {
    }

    /**
     * One span in one job's trace.
     *
     * @param command the command whose event continues this span (its traceparent is the span's), or {@code null}
     */
    record Planned(String name, String jobId, Instant start, Instant end, Map<String, String> attributes,
            SagaCommand command) {

        Planned {
            attributes = Map.copyOf(attributes);
        }
    }

    /**
     * The spans for a decision that changed {@code before} (absent for a burst just opened) into {@code after} and
     * sends {@code commands}, at {@code now}.
     */
    static List<Planned> plan(BurstState before, BurstState after, List<SagaCommand> commands, Instant now) {
        List<Planned> planned = new ArrayList<>();
        boolean extended = before != null;
        for (BurstJob job : after.jobs()) {
            if (before == null || before.job(job.jobId()).isEmpty()) {
                Map<String, String> attributes = common(after, job.jobId());
                attributes.put("spillway.burst.phase", after.phase().name());
                attributes.put("spillway.burst.extended", String.valueOf(extended));
                attributes.put("spillway.job.filesystems", String.join(",", job.filesystems()));
                planned.add(new Planned(DECISION, job.jobId(), now, now, attributes, null));
            }
        }
        for (SagaCommand command : commands) {
            if (command instanceof SagaCommand.Reroute reroute) {
                after.job(reroute.jobId()).ifPresent(job -> planned.addAll(dataOf(after, job, now)));
                Map<String, String> attributes = common(after, reroute.jobId());
                attributes.put("spillway.site.from", reroute.fromSite());
                attributes.put("spillway.site.to", reroute.toSite());
                planned.add(new Planned(REROUTE, reroute.jobId(), now, now, attributes, reroute));
            } else if (command instanceof SagaCommand.RequestSnapshot snapshot && snapshot.jobId() != null) {
                Map<String, String> attributes = common(after, snapshot.jobId());
                attributes.put("spillway.site", snapshot.site());
                attributes.put("spillway.filesystem", snapshot.filesystem());
                putIfPresent(attributes, "spillway.path", snapshot.path());
                attributes.put("spillway.snapshot.id", snapshot.snapshotId());
                planned.add(new Planned(RESULTS_SNAPSHOT, snapshot.jobId(), now, now, attributes, snapshot));
            } else if (command instanceof SagaCommand.RequestRestore restore && restore.jobId() != null) {
                Map<String, String> attributes = common(after, restore.jobId());
                attributes.put("spillway.site", restore.site());
                attributes.put("spillway.filesystem", restore.filesystem());
                putIfPresent(attributes, "spillway.target.path", restore.targetPath().orElse(null));
                attributes.put("spillway.restore.id", restore.restoreId());
                planned.add(new Planned(RESULTS_RESTORE, restore.jobId(), now, now, attributes, restore));
            }
        }
        return planned;
    }

    /**
     * The snapshot and restore of each transfer that carries the job's data, as the shared transfers recorded them:
     * the work itself is traced once, in the burst's trace, and these spans say when it ran for this job.
     */
    private static List<Planned> dataOf(BurstState burst, BurstJob job, Instant now) {
        List<Planned> planned = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Volume volume : job.volumes()) {
            Optional<Transfer> found = carrying(burst, volume);
            if (found.isEmpty() || found.get().snapshotUploadedAt() == null
                    || !seen.add(found.get().snapshotId())) {
                continue;
            }
            Transfer transfer = found.get();
            Map<String, String> snapshot = common(burst, job.jobId());
            snapshot.put("spillway.site", burst.homeSite());
            snapshot.put("spillway.filesystem", transfer.filesystem());
            putIfPresent(snapshot, "spillway.path", transfer.path());
            snapshot.put("spillway.snapshot.id", transfer.snapshotId());
            snapshot.put("spillway.snapshot.bytes_uploaded", String.valueOf(transfer.bytesUploaded()));
            planned.add(new Planned(SNAPSHOT, job.jobId(), transfer.snapshotRequestedAt(),
                    notBefore(transfer.snapshotUploadedAt(), transfer.snapshotRequestedAt()), snapshot, null));
            if (transfer.restoreRequestedAt() == null) {
                continue;
            }
            Map<String, String> restore = common(burst, job.jobId());
            restore.put("spillway.site", burst.burstSite());
            restore.put("spillway.filesystem", transfer.filesystem());
            putIfPresent(restore, "spillway.path", transfer.path());
            restore.put("spillway.restore.id", transfer.restoreId());
            // A job whose subpaths are online goes before the rest of the restore is done: it waited until now.
            boolean whole = transfer.restoreEndedAt() != null;
            restore.put("spillway.restore.complete", String.valueOf(whole));
            if (!whole) {
                restore.put("spillway.restore.ready_paths", String.join(",", transfer.readyPaths()));
            }
            planned.add(new Planned(RESTORE, job.jobId(), transfer.restoreRequestedAt(),
                    notBefore(whole ? transfer.restoreEndedAt() : now, transfer.restoreRequestedAt()), restore,
                    null));
        }
        return planned;
    }

    /**
     * The latest transfer, not failed, that carries {@code volume}: of its whole filesystem, or of a subpath that
     * holds the volume (a burst may move read-only subpaths each on its own).
     */
    private static Optional<Transfer> carrying(BurstState burst, Volume volume) {
        Transfer latest = null;
        for (Transfer transfer : burst.data()) {
            boolean covers = transfer.filesystem().equals(volume.filesystem()) && (transfer.path() == null
                    || !volume.wholeFilesystem() && (volume.subPath().equals(transfer.path())
                            || volume.subPath().startsWith(transfer.path() + "/")));
            if (covers && transfer.state() != TransferState.FAILED) {
                latest = transfer;
            }
        }
        return Optional.ofNullable(latest);
    }

    private static Map<String, String> common(BurstState burst, String jobId) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put(BURST_ID, burst.burstId());
        attributes.put(JOB_ID, jobId);
        attributes.put("spillway.burst.home_site", burst.homeSite());
        attributes.put("spillway.burst.site", burst.burstSite());
        return attributes;
    }

    private static void putIfPresent(Map<String, String> attributes, String key, String value) {
        if (value != null) {
            attributes.put(key, value);
        }
    }

    private static Instant notBefore(Instant end, Instant start) {
        return start != null && end.isBefore(start) ? start : end;
    }
}
