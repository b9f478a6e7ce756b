package io.spillway.scheduler.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class QueueSignalTest {

    private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");

    @Test
    void aCountHoveringAroundTheThresholdGivesOneEventEachWay() {
        QueueSignal signal = new QueueSignal(10, 5, Duration.ofSeconds(30), false);
        // Up past 10 and back a few times within the debounce, then past it for good, then hovering around 10 and
        // 5, then down to 2 for good.
        int[] counts = { 8, 11, 9, 12, 12, 12, 12, 11, 10, 11, 6, 9, 5, 7, 4, 3, 2, 2, 2, 2 };
        List<QueueSignal.Change> changes = new ArrayList<>();
        for (int i = 0; i < counts.length; i++) {
            signal.observe(T0.plusSeconds(10L * i), counts[i]).ifPresent(changes::add);
        }

        assertEquals(List.of(QueueSignal.Change.EXCEEDED, QueueSignal.Change.DRAINED), changes);
    }

    @Test
    void exceededOnlyAfterTheWholeDebounceInterval() {
        QueueSignal signal = new QueueSignal(10, 5, Duration.ofSeconds(30), false);

        assertEquals(Optional.empty(), signal.observe(T0, 11));
        assertEquals(Optional.empty(), signal.observe(T0.plusSeconds(29), 11));
        assertEquals(Optional.of(QueueSignal.Change.EXCEEDED), signal.observe(T0.plusSeconds(30), 11));
        assertEquals(Optional.empty(), signal.observe(T0.plusSeconds(60), 30), "no repeat while it stays high");
    }

    @Test
    void aRestartedSchedulerRemembersThatItAlreadySaidSo() {
        QueueSignal restored = new QueueSignal(10, 5, Duration.ZERO, true);

        assertEquals(Optional.empty(), restored.observe(T0, 20));
        assertEquals(Optional.of(QueueSignal.Change.DRAINED), restored.observe(T0, 5));
    }

    @Test
    void theLowWatermarkMustLieBelowTheThreshold() {
        assertThrows(IllegalArgumentException.class, () -> new QueueSignal(10, 10, Duration.ZERO, false));
    }
}
