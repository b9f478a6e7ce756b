package io.spillway.kit.health;

import java.time.Duration;
import java.util.Map;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.smallrye.common.annotation.Identifier;

/**
 * Readiness of every service: the Kafka cluster of {@code kafka.*} answers, or the check says which setting is wrong.
 * The connector's own checks (one per channel) say only {@code [KO]}. Readiness, never liveness: restarting a pod
 * does not fix a broker that is down or a password that is wrong.
 */
@Readiness
@ApplicationScoped
public class KafkaReadiness implements HealthCheck {

    private final KafkaProbe probe;
    private final CachedResponse cached;

    public KafkaReadiness(@Identifier("default-kafka-broker") Map<String, Object> kafka,
            @ConfigProperty(name = "quarkus.application.name") String application,
            @ConfigProperty(name = "spillway.health.timeout", defaultValue = "3s") Duration timeout,
            @ConfigProperty(name = "spillway.health.cache-ttl", defaultValue = "5s") Duration cacheTtl) {
        this.probe = new KafkaProbe(kafka, application + "-readiness", timeout);
        this.cached = new CachedResponse(cacheTtl, probe::check);
    }

    @Override
    public HealthCheckResponse call() {
        return cached.get();
    }

    @PreDestroy
    void close() {
        probe.close();
    }
}
