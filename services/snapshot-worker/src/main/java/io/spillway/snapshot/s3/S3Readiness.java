package io.spillway.snapshot.s3;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.spillway.kit.health.CachedResponse;
import io.spillway.snapshot.config.SnapshotWorkerConfig;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Readiness of the worker: its bucket answers with the configured endpoint and credentials, or the check says which
 * {@code spillway.s3.*} setting is wrong. Readiness, never liveness: a restart does not fix a wrong key.
 */
@Readiness
@ApplicationScoped
public class S3Readiness implements HealthCheck {

    private final CachedResponse cached;

    public S3Readiness(S3Client s3, SnapshotWorkerConfig.S3 config,
            @ConfigProperty(name = "spillway.health.timeout", defaultValue = "3s") Duration timeout,
            @ConfigProperty(name = "spillway.health.cache-ttl", defaultValue = "5s") Duration cacheTtl) {
        S3Probe probe = new S3Probe(s3, config, timeout);
        this.cached = new CachedResponse(cacheTtl, probe::check);
    }

    @Override
    public HealthCheckResponse call() {
        return cached.get();
    }
}
