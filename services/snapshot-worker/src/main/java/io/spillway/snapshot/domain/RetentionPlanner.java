package io.spillway.snapshot.domain;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides which snapshots of one filesystem path a {@link RetentionPolicy} keeps and which it forgets, with restic's
 * semantics: the union of keep-last (the N newest) and keep-daily (the newest of each of the last D days, UTC, that
 * have a snapshot). Three protections come first: the latest snapshot is always kept (it is the parent of the next
 * incremental), a snapshot a restore is reading is kept, and a snapshot younger than the minimum age is kept (a burst
 * may be about to restore it).
 */
public final class RetentionPlanner {

    static final String LATEST = "latest";
    static final String IN_USE = "in use by a restore";
    static final String YOUNG = "younger than the minimum age";

    private RetentionPlanner() {
    }

    /**
     * @param snapshots the uploaded snapshots of one site, filesystem and path, in any order
     * @param inUse ids of snapshots a restore is reading now
     * @param minAge snapshots younger than this (at {@code now}) are kept
     */
    public static Plan plan(RetentionPolicy policy, List<Candidate> snapshots, Set<String> inUse, Duration minAge,
            Instant now) {
        List<Candidate> newestFirst = new ArrayList<>(snapshots);
        newestFirst.sort(Comparator.comparing(Candidate::createdAt).thenComparing(Candidate::snapshotId).reversed());
        Map<Candidate, List<String>> reasons = new LinkedHashMap<>();
        newestFirst.forEach(snapshot -> reasons.put(snapshot, new ArrayList<>()));

        if (!newestFirst.isEmpty()) {
            reasons.get(newestFirst.get(0)).add(LATEST);
        }
        for (int i = 0; i < Math.min(policy.keepLast(), newestFirst.size()); i++) {
            reasons.get(newestFirst.get(i)).add("keep-last " + policy.keepLast());
        }
        LocalDate lastDay = null;
        int days = 0;
        for (Candidate snapshot : newestFirst) {
            if (days >= policy.keepDaily()) {
                break;
            }
            LocalDate day = LocalDate.ofInstant(snapshot.createdAt(), ZoneOffset.UTC);
            if (!day.equals(lastDay)) {
                reasons.get(snapshot).add("keep-daily " + policy.keepDaily() + " (" + day + ")");
                lastDay = day;
                days++;
            }
        }
        for (Candidate snapshot : newestFirst) {
            if (!policy.forgets()) {
                reasons.get(snapshot).add("no keep rule");
            }
            if (inUse.contains(snapshot.snapshotId())) {
                reasons.get(snapshot).add(IN_USE);
            }
            if (snapshot.createdAt().plus(minAge).isAfter(now)) {
                reasons.get(snapshot).add(YOUNG);
            }
        }

        List<Kept> kept = new ArrayList<>();
        List<Forgotten> forgotten = new ArrayList<>();
        reasons.forEach((snapshot, why) -> {
            if (why.isEmpty()) {
                forgotten.add(new Forgotten(snapshot, "retention: " + policy.rules()));
            } else {
                kept.add(new Kept(snapshot, List.copyOf(why)));
            }
        });
        return new Plan(kept, forgotten);
    }

    /** A snapshot to decide on. */
    public record Candidate(String snapshotId, Instant createdAt) {
    }

    /** A snapshot kept, with every rule that keeps it. */
    public record Kept(Candidate snapshot, List<String> reasons) {
    }

    /** A snapshot to forget, with the reason its deletion will carry ({@code retention: <rules>}). */
    public record Forgotten(Candidate snapshot, String reason) {
    }

    /** The decision, newest first in both lists. */
    public record Plan(List<Kept> kept, List<Forgotten> forgotten) {
    }
}
