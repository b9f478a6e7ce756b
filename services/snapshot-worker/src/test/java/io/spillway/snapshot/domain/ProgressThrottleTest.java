package io.spillway.snapshot.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressThrottleTest {

    private final SteppingClock clock = new SteppingClock();
    private final ProgressThrottle throttle = new ProgressThrottle(Duration.ofSeconds(2), clock);

    @Test
    void letsNothingThroughBeforeOneIntervalHasPassedSinceTheStart() {
        assertFalse(throttle.due());
        clock.advance(Duration.ofMillis(1999));
        assertFalse(throttle.due());
        clock.advance(Duration.ofMillis(1));
        assertTrue(throttle.due());
    }

    @Test
    void letsOneReportThroughPerIntervalHoweverOftenItIsAsked() {
        clock.advance(Duration.ofSeconds(2));
        assertTrue(throttle.due());
        assertFalse(throttle.due(), "the same instant again");
        clock.advance(Duration.ofMillis(1500));
        assertFalse(throttle.due());
        clock.advance(Duration.ofMillis(500));
        assertTrue(throttle.due());
        clock.advance(Duration.ofSeconds(10));
        assertTrue(throttle.due(), "a long pause lets one report through");
        assertFalse(throttle.due(), "not one per interval missed");
    }

    @Test
    void refusesANegativeInterval() {
        assertThrows(IllegalArgumentException.class, () -> new ProgressThrottle(Duration.ofSeconds(-1), clock));
    }

    private static final class SteppingClock extends Clock {

        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
