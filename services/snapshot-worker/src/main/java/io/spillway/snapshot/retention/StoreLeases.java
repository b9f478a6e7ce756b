package io.spillway.snapshot.retention;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.spillway.snapshot.config.SnapshotWorkerConfig;
import io.spillway.snapshot.domain.SnapshotException;
import io.spillway.snapshot.domain.SnapshotException.Reason;
import io.spillway.snapshot.persistence.SnapshotLeases;
import io.vertx.mutiny.core.Vertx;

/**
 * Runs work under a lease on the chunk store: snapshots and restores under a shared one (waiting while a garbage
 * collection runs), garbage collection under the exclusive one (skipped while anything else runs). Held leases are
 * renewed every third of their time to live, so only a crashed worker's lease expires.
 */
@ApplicationScoped
public class StoreLeases {

    private static final Logger LOG = Logger.getLogger(StoreLeases.class);

    private final SnapshotLeases leases;
    private final Vertx vertx;
    private final Duration ttl;
    private final Duration wait;
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private long timerId = -1;

    public StoreLeases(SnapshotLeases leases, Vertx vertx, SnapshotWorkerConfig.Snapshot config) {
        this.leases = leases;
        this.vertx = vertx;
        this.ttl = config.retention().leaseTtl();
        this.wait = config.retention().leaseWait();
    }

    void start(@Observes StartupEvent event) {
        timerId = vertx.setPeriodic(Math.max(1, ttl.toMillis() / 3), id -> leases.renew(Set.copyOf(held), ttl)
                .subscribe().with(done -> {
                }, failure -> LOG.warnf("Renewing store leases failed: %s", failure.getMessage())));
    }

    void stop(@Observes ShutdownEvent event) {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
    }

    /**
     * Runs {@code work} under a shared lease, waiting up to {@code lease-wait} for a running garbage collection.
     *
     * @param locator the manifest a restore reads (retention keeps it meanwhile); null for a snapshot
     * @throws SnapshotException with {@link Reason#OBJECT_STORE} (as a failed Uni) when the wait runs out
     */
    public <T> Uni<T> withShared(String purpose, String locator, Supplier<Uni<T>> work) {
        String holder = purpose + " " + UUID.randomUUID();
        Uni<Void> acquired = Uni.createFrom().deferred(() -> leases.tryShared(holder, purpose, locator, ttl))
                .map(taken -> {
                    if (!taken) {
                        throw new LeaseBusy();
                    }
                    return (Void) null;
                })
                .onFailure(LeaseBusy.class).retry().withBackOff(Duration.ofMillis(100), Duration.ofSeconds(5))
                .expireIn(wait.toMillis())
                // Mutiny reports the exhausted retries as an IllegalStateException caused by the last LeaseBusy.
                .onFailure(StoreLeases::leaseBusy).transform(busy -> new SnapshotException(Reason.OBJECT_STORE,
                        "Garbage collection held the object store for more than " + wait + "; " + purpose
                                + " did not start"));
        return acquired.invoke(() -> held.add(holder))
                .chain(() -> work.get())
                .onTermination().call(() -> {
                    held.remove(holder);
                    return leases.release(holder);
                });
    }

    /**
     * Runs {@code work} under the exclusive lease if no snapshot, restore or other collection holds a lease now.
     *
     * @return empty, without running it, when the store is busy
     */
    public <T> Uni<Optional<T>> tryExclusive(String purpose, Supplier<Uni<T>> work) {
        String holder = purpose + " " + UUID.randomUUID();
        return leases.tryExclusive(holder, purpose, ttl).chain(taken -> {
            if (!taken) {
                return Uni.createFrom().item(Optional.<T> empty());
            }
            held.add(holder);
            return work.get().map(Optional::ofNullable)
                    .onTermination().call(() -> {
                        held.remove(holder);
                        return leases.release(holder);
                    });
        });
    }

    private static boolean leaseBusy(Throwable failure) {
        return failure instanceof LeaseBusy || failure.getCause() instanceof LeaseBusy;
    }

    /** The store is leased the other way; retried until {@code lease-wait} runs out. */
    private static final class LeaseBusy extends RuntimeException {
        LeaseBusy() {
            super("lease busy", null, false, false);
        }
    }
}
