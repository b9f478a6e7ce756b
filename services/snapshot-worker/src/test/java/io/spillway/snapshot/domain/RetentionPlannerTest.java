package io.spillway.snapshot.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.spillway.snapshot.domain.RetentionPlanner.Candidate;
import io.spillway.snapshot.domain.RetentionPlanner.Forgotten;
import io.spillway.snapshot.domain.RetentionPlanner.Kept;
import io.spillway.snapshot.domain.RetentionPlanner.Plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetentionPlannerTest {

    private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");

    @Test
    void keepLastKeepsTheNewestAndForgetsTheRest() {
        Plan plan = plan(new RetentionPolicy(Optional.empty(), 2, 0), List.of(
                snapshot("a", "2026-03-10T08:00:00Z"), snapshot("b", "2026-03-10T09:00:00Z"),
                snapshot("c", "2026-03-10T10:00:00Z"), snapshot("d", "2026-03-10T11:00:00Z")));

        assertEquals(List.of("d", "c"), keptIds(plan));
        assertEquals(List.of("b", "a"), forgottenIds(plan));
        assertEquals("retention: keep-last 2", plan.forgotten().get(0).reason());
    }

    @Test
    void keepDailyKeepsTheNewestOfEachOfTheLastDaysThatHaveASnapshot() {
        Plan plan = plan(new RetentionPolicy(Optional.empty(), 0, 3), List.of(
                snapshot("mon-early", "2026-03-02T01:00:00Z"), snapshot("mon-late", "2026-03-02T23:00:00Z"),
                // no snapshot on Tuesday or Wednesday: those days do not count
                snapshot("thu", "2026-03-05T12:00:00Z"),
                snapshot("fri-early", "2026-03-06T06:00:00Z"), snapshot("fri-late", "2026-03-06T18:00:00Z"),
                snapshot("sat", "2026-03-07T12:00:00Z")));

        assertEquals(List.of("sat", "fri-late", "thu"), keptIds(plan));
        assertEquals(List.of("fri-early", "mon-late", "mon-early"), forgottenIds(plan));
        assertEquals(List.of("latest", "keep-daily 3 (2026-03-07)"), plan.kept().get(0).reasons());
    }

    @Test
    void keepsTheUnionOfKeepLastAndKeepDaily() {
        Plan plan = plan(new RetentionPolicy(Optional.empty(), 2, 2), List.of(
                snapshot("d1", "2026-03-08T10:00:00Z"), snapshot("d2-a", "2026-03-09T10:00:00Z"),
                snapshot("d2-b", "2026-03-09T20:00:00Z"), snapshot("d3-a", "2026-03-10T01:00:00Z"),
                snapshot("d3-b", "2026-03-10T02:00:00Z")));

        assertEquals(List.of("d3-b", "d3-a", "d2-b"), keptIds(plan));
        assertEquals(List.of("latest", "keep-last 2", "keep-daily 2 (2026-03-10)"), plan.kept().get(0).reasons());
        assertEquals(List.of("keep-last 2"), plan.kept().get(1).reasons());
        assertEquals(List.of("keep-daily 2 (2026-03-09)"), plan.kept().get(2).reasons());
        assertEquals(List.of("d2-a", "d1"), forgottenIds(plan));
        assertEquals("retention: keep-last 2, keep-daily 2", plan.forgotten().get(0).reason());
    }

    @Test
    void neverForgetsTheLatestEvenWithTheSmallestPolicy() {
        Plan plan = plan(new RetentionPolicy(Optional.empty(), 1, 0), List.of(snapshot("only", "2026-03-01T00:00:00Z")));

        assertEquals(List.of("only"), keptIds(plan));
        assertTrue(plan.forgotten().isEmpty());
    }

    @Test
    void theLatestIsTheNewestByTimeThenByIdWhateverTheInputOrder() {
        Plan plan = plan(new RetentionPolicy(Optional.empty(), 1, 0), List.of(
                snapshot("x", "2026-03-10T10:00:00Z"), snapshot("z", "2026-03-10T11:00:00Z"),
                snapshot("y", "2026-03-10T11:00:00Z")));

        assertEquals(List.of("z"), keptIds(plan));
        assertEquals(List.of("y", "x"), forgottenIds(plan));
    }

    @Test
    void keepsASnapshotARestoreIsReading() {
        Plan plan = RetentionPlanner.plan(new RetentionPolicy(Optional.empty(), 1, 0), List.of(
                snapshot("old", "2026-03-01T00:00:00Z"), snapshot("restoring", "2026-03-02T00:00:00Z"),
                snapshot("new", "2026-03-03T00:00:00Z")), Set.of("restoring"), Duration.ZERO, NOW);

        assertEquals(List.of("new", "restoring"), keptIds(plan));
        assertEquals(List.of("in use by a restore"), plan.kept().get(1).reasons());
        assertEquals(List.of("old"), forgottenIds(plan));
    }

    @Test
    void keepsSnapshotsYoungerThanTheMinimumAge() {
        Plan plan = RetentionPlanner.plan(new RetentionPolicy(Optional.empty(), 1, 0), List.of(
                snapshot("day-old", "2026-03-09T12:00:00Z"), snapshot("burst", "2026-03-10T11:30:00Z"),
                snapshot("newest", "2026-03-10T11:45:00Z")), Set.of(), Duration.ofHours(1), NOW);

        assertEquals(List.of("newest", "burst"), keptIds(plan));
        assertEquals(List.of("younger than the minimum age"), plan.kept().get(1).reasons());
        assertEquals(List.of("day-old"), forgottenIds(plan));
    }

    @Test
    void aPolicyWithoutKeepRulesForgetsNothing() {
        Plan plan = plan(new RetentionPolicy(Optional.of(Duration.ofHours(1)), 0, 0), List.of(
                snapshot("a", "2026-01-01T00:00:00Z"), snapshot("b", "2026-02-01T00:00:00Z")));

        assertEquals(List.of("b", "a"), keptIds(plan));
        assertTrue(plan.forgotten().isEmpty());
    }

    @Test
    void keepRulesLargerThanTheHistoryKeepEverything() {
        Plan plan = plan(new RetentionPolicy(Optional.empty(), 10, 30), List.of(
                snapshot("a", "2026-03-01T00:00:00Z"), snapshot("b", "2026-03-01T01:00:00Z"),
                snapshot("c", "2026-03-05T00:00:00Z")));

        assertEquals(List.of("c", "b", "a"), keptIds(plan));
    }

    @Test
    void anEmptyHistoryPlansNothing() {
        Plan plan = plan(new RetentionPolicy(Optional.empty(), 3, 3), List.of());

        assertTrue(plan.kept().isEmpty());
        assertTrue(plan.forgotten().isEmpty());
    }

    @Test
    void daysAreUtcDays() {
        // 23:30 and 00:30 UTC are two days, whatever the worker's time zone.
        Plan plan = plan(new RetentionPolicy(Optional.empty(), 0, 2), List.of(
                snapshot("before-midnight", "2026-03-09T23:30:00Z"), snapshot("after-midnight",
                        "2026-03-10T00:30:00Z"),
                snapshot("earlier", "2026-03-09T10:00:00Z")));

        assertEquals(List.of("after-midnight", "before-midnight"), keptIds(plan));
        assertEquals(List.of("earlier"), forgottenIds(plan));
    }

    @Test
    void manySnapshotsAnHourForAWeekKeepOnePerDayPlusTheLast() {
        List<Candidate> history = new ArrayList<>();
        Instant start = Instant.parse("2026-03-03T00:00:00Z");
        for (int hour = 0; hour < 7 * 24; hour++) {
            history.add(new Candidate("h" + hour, start.plus(Duration.ofHours(hour))));
        }

        Plan plan = plan(new RetentionPolicy(Optional.empty(), 3, 7), history);

        // h167 h166 h165 (last 3; h167 is also the newest of 9 March), then 23:00 of each earlier day.
        assertEquals(List.of("h167", "h166", "h165", "h143", "h119", "h95", "h71", "h47", "h23"), keptIds(plan));
        assertEquals(7 * 24 - 9, plan.forgotten().size());
    }

    private static Plan plan(RetentionPolicy policy, List<Candidate> snapshots) {
        return RetentionPlanner.plan(policy, snapshots, Set.of(), Duration.ZERO, NOW);
    }

    private static Candidate snapshot(String id, String createdAt) {
        return new Candidate(id, Instant.parse(createdAt));
    }

    private static List<String> keptIds(Plan plan) {
        return plan.kept().stream().map(Kept::snapshot).map(Candidate::snapshotId).toList();
    }

    private static List<String> forgottenIds(Plan plan) {
        return plan.forgotten().stream().map(Forgotten::snapshot).map(Candidate::snapshotId).toList();
    }
}
