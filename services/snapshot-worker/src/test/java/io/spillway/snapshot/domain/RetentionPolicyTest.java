package io.spillway.snapshot.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetentionPolicyTest {

    private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
    private final RetentionPolicy hourly = new RetentionPolicy(Optional.of(Duration.ofHours(1)), 24, 7);

    @Test
    void aSnapshotIsDueWhenThereIsNoneYet() {
        assertTrue(hourly.snapshotDue(Optional.empty(), NOW));
    }

    @Test
    void aSnapshotIsDueOnceTheLatestIsAsOldAsEvery() {
        assertFalse(hourly.snapshotDue(Optional.of(NOW.minus(Duration.ofMinutes(59))), NOW));
        assertTrue(hourly.snapshotDue(Optional.of(NOW.minus(Duration.ofHours(1))), NOW));
        assertTrue(hourly.snapshotDue(Optional.of(NOW.minus(Duration.ofDays(3))), NOW));
    }

    @Test
    void aPolicyWithoutEveryNeverAsksForASnapshot() {
        assertFalse(new RetentionPolicy(Optional.empty(), 3, 0).snapshotDue(Optional.empty(), NOW));
    }

    @Test
    void replicasAgreeOnTheIdOfAPeriodsSnapshotAndTheNextPeriodGetsANewOne() {
        String id = hourly.scheduledSnapshotId("datasets", NOW.plusSeconds(10));

        assertEquals(id, hourly.scheduledSnapshotId("datasets", NOW.plusSeconds(3000)));
        assertNotEquals(id, hourly.scheduledSnapshotId("datasets", NOW.plusSeconds(3600)));
        assertEquals("sched-datasets-" + NOW.getEpochSecond() / 3600, id);
        SnapshotLayout.requireSafeId(id);
    }

    @Test
    void rejectsAZeroEveryAndNegativeRules() {
        assertThrows(IllegalArgumentException.class, () -> new RetentionPolicy(Optional.of(Duration.ZERO), 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new RetentionPolicy(Optional.empty(), -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new RetentionPolicy(Optional.empty(), 0, -2));
    }

    @Test
    void describesItsRulesForTheReasonOfADeletion() {
        assertEquals("keep-last 24, keep-daily 7", hourly.rules());
        assertEquals("keep-daily 7", new RetentionPolicy(Optional.empty(), 0, 7).rules());
    }
}
