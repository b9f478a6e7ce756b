package io.spillway.snapshot.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How often a filesystem is snapshotted and which of its snapshots are kept (restic's {@code forget --keep-last
 * --keep-daily}).
 *
 * @param every the recovery point objective: a snapshot is taken when the latest is older; empty for no periodic
 *        snapshots
 * @param keepLast keep the newest {@code keepLast} snapshots; 0 for no such rule
 * @param keepDaily keep the newest snapshot of each of the last {@code keepDaily} days (UTC) that have one; 0 for no
 *        such rule
 */
public record RetentionPolicy(Optional<Duration> every, int keepLast, int keepDaily) {

    public RetentionPolicy {
        if (every.isPresent() && (every.get().isNegative() || every.get().isZero())) {
            throw new IllegalArgumentException("every must be positive, was " + every.get());
        }
        if (keepLast < 0 || keepDaily < 0) {
            throw new IllegalArgumentException("keep-last and keep-daily must not be negative");
        }
    }

    /** Whether the policy forgets anything; without a keep rule every snapshot is kept. */
    public boolean forgets() {
        return keepLast > 0 || keepDaily > 0;
    }

    /**
     * Whether a periodic snapshot is due: the policy has an {@code every} and the latest snapshot is at least that old
     * (or there is none).
     */
    public boolean snapshotDue(Optional<Instant> latest, Instant now) {
        if (every.isEmpty()) {
            return false;
        }
        return latest.isEmpty() || !latest.get().plus(every.get()).isAfter(now);
    }

    /**
     * The id of the periodic snapshot for the period {@code now} falls in: {@code sched-<policy>-<period number>}.
     * Every replica computes the same id in the same period, so the catalogue's unique key lets only one of them
     * request it.
     */
    public String scheduledSnapshotId(String policyName, Instant now) {
        long periodMillis = every.orElseThrow(() -> new IllegalStateException("policy has no every")).toMillis();
        return "sched-" + policyName + "-" + Math.floorDiv(now.toEpochMilli(), Math.max(1, periodMillis));
    }

    /** The rules as the reason a forgotten snapshot carries: {@code keep-last 2, keep-daily 7}. */
    public String rules() {
        StringBuilder rules = new StringBuilder();
        if (keepLast > 0) {
            rules.append("keep-last ").append(keepLast);
        }
        if (keepDaily > 0) {
            rules.append(rules.isEmpty() ? "" : ", ").append("keep-daily ").append(keepDaily);
        }
        return rules.isEmpty() ? "keep all" : rules.toString();
    }
}
