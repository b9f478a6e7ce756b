package io.spillway.kit.health;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class CachedResponseTest {

    private final AtomicInteger checks = new AtomicInteger();

    private HealthCheckResponse check() {
        return new HealthCheckResponse("probe-" + checks.incrementAndGet(), HealthCheckResponse.Status.UP,
                Optional.empty());
    }

    @Test
    void probesWithinTheTtlShareOneCheck() {
        CachedResponse cached = new CachedResponse(Duration.ofHours(1), this::check);

        HealthCheckResponse first = cached.get();
        HealthCheckResponse second = cached.get();

        assertSame(first, second);
        assertEquals(1, checks.get());
    }

    @Test
    void aProbeAfterTheTtlChecksAgain() {
        CachedResponse cached = new CachedResponse(Duration.ZERO, this::check);

        cached.get();
        cached.get();

        assertEquals(2, checks.get());
    }
}
