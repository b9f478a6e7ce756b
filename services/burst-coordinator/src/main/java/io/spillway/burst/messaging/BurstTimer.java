package io.spillway.burst.messaging;

import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.spillway.burst.config.BurstCoordinatorConfig;
import io.spillway.burst.persistence.BurstStore;
import io.spillway.burst.saga.BurstSaga;
import io.vertx.mutiny.core.Vertx;

/**
 * Every {@code spillway.burst.tick}, gives each open burst the time, each in its own transaction: the saga fails the
 * steps whose deadline passed. Deadlines follow from the stored request times, so after a restart the first tick
 * resumes exactly where the coordinator was.
 */
@ApplicationScoped
public class BurstTimer {

    private static final Logger LOG = Logger.getLogger(BurstTimer.class);

    private final BurstSaga saga;
    private final BurstStore store;
    private final SagaRunner runner;
    private final Vertx vertx;
    private final BurstCoordinatorConfig config;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile long timerId = -1;
    private volatile boolean stopped;

    public BurstTimer(BurstSaga saga, BurstStore store, SagaRunner runner, Vertx vertx,
            BurstCoordinatorConfig config) {
        this.saga = saga;
        this.store = store;
        this.runner = runner;
        this.vertx = vertx;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        timerId = vertx.setPeriodic(config.tick().toMillis(), id -> {
            if (!running.compareAndSet(false, true)) {
                return;
            }
            store.transactions().onSafeContext(this::round).onTermination().invoke(() -> running.set(false))
                    .subscribe().with(done -> {
                    }, failure -> {
                        if (!stopped) {
                            LOG.errorf("Burst tick failed: %s; the next tick tries again", failure.getMessage());
                        }
                    });
        });
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
    }

    Uni<Void> round() {
        return store.openBurstIds().onItem().transformToMulti(ids -> Multi.createFrom().iterable(ids))
                .onItem().transformToUniAndConcatenate(burstId -> runner.tick(burstId, saga::tick)
                        .onFailure().recoverWithUni(failure -> {
                            // One burst's failure (a concurrent update) must not keep the others from their tick.
                            LOG.warnf("Tick of burst %s: %s", burstId, failure.getMessage());
                            return Uni.createFrom().voidItem();
                        }))
                .collect().last().replaceWithVoid();
    }
}
