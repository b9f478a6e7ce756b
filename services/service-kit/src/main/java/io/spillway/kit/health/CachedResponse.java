package io.spillway.kit.health;

import java.time.Duration;
import java.util.function.Supplier;

import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * A health check's latest response, kept for a while: Kubernetes probes every few seconds, on every replica, and a
 * check that reaches Kafka or S3 each time would load them for nothing. Probes that arrive while a check runs wait
 * for it and share its answer instead of starting their own.
 */
public final class CachedResponse {

    private final Duration ttl;
    private final Supplier<HealthCheckResponse> check;
    private HealthCheckResponse latest;
    private long checkedAt;

    public CachedResponse(Duration ttl, Supplier<HealthCheckResponse> check) {
        this.ttl = ttl;
        this.check = check;
    }

    /** The latest response when younger than the ttl, else a new one. */
    public synchronized HealthCheckResponse get() {
        long now = System.nanoTime();
        if (latest == null || now - checkedAt >= ttl.toNanos()) {
            latest = check.get();
            checkedAt = System.nanoTime();
        }
        return latest;
    }
}
