package io.spillway.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How long a burst took to get its first job running at the burst site, from the moment it opened (the queue
 * overflowed), cut into back-to-back phases that add up to the total: deciding (opened until the snapshot is asked
 * for), snapshot (until uploaded), restore (uploaded until the first job's data is online), reroute (until the first
 * job is rerouted) and start (rerouted until it started at the burst site).
 *
 * @param bytesUploaded what all the burst's data snapshots uploaded (an incremental snapshot: only the delta)
 * @param snapshot from the first snapshot asked for until the last one uploaded before the first job moved
 * @param fullRestore every restore of the burst's data, from the first asked for until the last ended; may end
 *        after the first job started
 */
record BurstTiming(String burstId, Duration toFirstJob, Duration deciding, Duration snapshot, long bytesUploaded,
        Duration restore, Duration reroute, Duration start, Duration fullRestore) {

    /**
     * The timing of the burst that moved {@code jobs}, or empty when no job of it has started at the burst site yet
     * (or the burst does not tell when it opened).
     */
    static Optional<BurstTiming> of(List<DemoJob> jobs, BurstFacts burst) {
        if (burst == null || burst.openedAt() == null) {
            return Optional.empty();
        }
        Optional<DemoJob> first = jobs.stream()
                .filter(job -> job.rerouted() && burst.burstId().equals(job.burstId()) && job.startedAt() != null)
                .min(Comparator.comparing(DemoJob::startedAt));
        if (first.isEmpty()) {
            return Optional.empty();
        }
        DemoJob job = first.get();
        List<BurstFacts.Transfer> all = burst.data();
        // The data a burst moves may be several snapshots (each read-only subpath on its own); the first job's
        // phases are those of the snapshots uploaded before it moved, not of ones still travelling for later jobs.
        Instant moved = job.reroutedAt();
        List<BurstFacts.Transfer> beforeIt = moved == null ? List.of()
                : all.stream().filter(t -> t.uploadedAt() != null && !t.uploadedAt().isAfter(moved)).toList();
        List<BurstFacts.Transfer> data = beforeIt.isEmpty() ? all : beforeIt;
        Instant snapshotRequested = earliest(data.stream().map(BurstFacts.Transfer::snapshotRequestedAt).toList());
        Instant uploaded = latest(data.stream().map(BurstFacts.Transfer::uploadedAt).toList());
        Instant restoreRequested = earliest(all.stream().map(BurstFacts.Transfer::restoreRequestedAt).toList());
        Instant restored = latest(all.stream().map(BurstFacts.Transfer::restoredAt).toList());
        // Readiness is announced once the chosen jobs' paths are online; a restore without priority paths is ready
        // when it ends.
        Instant ready = burst.readyAt() != null ? burst.readyAt() : restored;
        Instant rerouted = job.reroutedAt();
        if (ready != null && uploaded != null && ready.isBefore(uploaded) && rerouted != null) {
            // Readiness was announced for other jobs (say, chosen jobs that then started at home) before this one's
            // data was up; a job is rerouted the moment its own data is usable, so that is when it was ready.
            ready = rerouted;
        }
        long bytes = all.stream().mapToLong(BurstFacts.Transfer::bytesUploaded).sum();
        return Optional.of(new BurstTiming(burst.burstId(), between(burst.openedAt(), job.startedAt()),
                between(burst.openedAt(), snapshotRequested), between(snapshotRequested, uploaded), bytes,
                between(uploaded, ready), between(ready, rerouted), between(rerouted, job.startedAt()),
                between(restoreRequested, restored)));
    }

    /** One line for people: the total first, then each phase. */
    String line() {
        return String.format(Locale.ROOT,
                "first burst job running after %s: deciding %s, snapshot %s (%s uploaded), restore until its data is "
                        + "online %s, reroute %s, start %s; whole restore %s",
                seconds(toFirstJob), seconds(deciding), seconds(snapshot), Snapshots.bytes(bytesUploaded),
                seconds(restore), seconds(reroute), seconds(start), seconds(fullRestore));
    }

    /** For scripts: durations in seconds (null where the phase's ends are not known), bytes as a number. */
    Map<String, Object> json() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("burstId", burstId);
        json.put("firstJobSeconds", secondsOrNull(toFirstJob));
        json.put("decidingSeconds", secondsOrNull(deciding));
        json.put("snapshotSeconds", secondsOrNull(snapshot));
        json.put("bytesUploaded", bytesUploaded);
        json.put("restoreSeconds", secondsOrNull(restore));
        json.put("rerouteSeconds", secondsOrNull(reroute));
        json.put("startSeconds", secondsOrNull(start));
        json.put("fullRestoreSeconds", secondsOrNull(fullRestore));
        return json;
    }

    private static String seconds(Duration duration) {
        return duration == null ? "?" : DemoTimeline.seconds(duration);
    }

    private static Double secondsOrNull(Duration duration) {
        return duration == null ? null : duration.toMillis() / 1000.0;
    }

    private static Duration between(Instant from, Instant to) {
        return from == null || to == null ? null : Duration.between(from, to);
    }

    private static Instant earliest(List<Instant> times) {
        return times.stream().filter(Objects::nonNull).min(Comparator.naturalOrder()).orElse(null);
    }

    /** The latest, or {@code null} while one is not known: the phase is not over for every filesystem. */
    private static Instant latest(List<Instant> times) {
        if (times.isEmpty() || times.stream().anyMatch(Objects::isNull)) {
            return null;
        }
        return times.stream().max(Comparator.naturalOrder()).orElse(null);
    }
}
