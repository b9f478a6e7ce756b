package io.spillway.burst.messaging;

import java.time.Clock;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import io.spillway.burst.config.BurstCoordinatorConfig;
import io.spillway.burst.domain.BurstSaga;

/** Wires the pure saga to its configuration. */
@ApplicationScoped
public class SagaComponents {

    @Produces
    @ApplicationScoped
    BurstSaga burstSaga(BurstCoordinatorConfig config) {
        return new BurstSaga(config.burstSite(), () -> UUID.randomUUID().toString(), Clock.systemUTC());
    }
}
