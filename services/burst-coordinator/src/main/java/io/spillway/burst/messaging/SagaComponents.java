package io.spillway.burst.messaging;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import io.spillway.burst.config.BurstCoordinatorConfig;
import io.spillway.burst.saga.BurstSaga;
import io.spillway.burst.saga.BurstSite;
import io.spillway.burst.saga.SagaTimeouts;

/** Wires the pure saga to its configuration. */
@ApplicationScoped
public class SagaComponents {

    @Produces
    @ApplicationScoped
    BurstSaga burstSaga(BurstCoordinatorConfig config) {
        if (config.sites().isEmpty()) {
            throw new IllegalStateException("no burst site configured: set spillway.burst.sites.<name>.gpus");
        }
        return new BurstSaga(
                config.sites().entrySet().stream()
                        // Configuration maps have no order: by name, so "the one configured first" is stable.
                        .sorted(java.util.Map.Entry.comparingByKey())
                        .map(site -> new BurstSite(site.getKey(), site.getValue().gpus())).toList(),
                config.recentRestoreWindow(),
                new SagaTimeouts(config.timeouts().snapshot(), config.timeouts().restore()),
                () -> UUID.randomUUID().toString());
    }
}
