package io.spillway.burst.messaging;

import java.util.List;
import java.util.Map;
import java.util.Set;
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
        List<BurstSite> sites = config.sites().entrySet().stream()
                // Configuration maps have no order: by name, so "the one configured first" is stable.
                .sorted(Map.Entry.comparingByKey())
                .map(site -> new BurstSite(site.getKey(), site.getValue().gpus(),
                        Set.copyOf(site.getValue().pools().orElse(List.of())),
                        site.getValue().largestNodeGpus().isPresent() ? site.getValue().largestNodeGpus().getAsInt()
                                : null))
                .filter(site -> config.burstSite().map(site.name()::equals).orElse(true))
                .toList();
        if (sites.isEmpty()) {
            throw new IllegalStateException("spillway.burst.burst-site " + config.burstSite().orElse("")
                    + " is not one of spillway.burst.sites " + config.sites().keySet());
        }
        return new BurstSaga(sites,
                config.recentRestoreWindow(),
                new SagaTimeouts(config.timeouts().snapshot(), config.timeouts().restore(), config.timeouts().reroute(),
                        config.timeouts().start()),
                () -> UUID.randomUUID().toString());
    }
}
