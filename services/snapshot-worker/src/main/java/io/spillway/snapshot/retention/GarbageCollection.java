package io.spillway.snapshot.retention;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.spillway.snapshot.config.SnapshotWorkerConfig;
import io.spillway.snapshot.domain.GarbageCollector;
import io.spillway.snapshot.domain.GcResult;
import io.spillway.snapshot.s3.S3SnapshotStore;

/**
 * Runs {@link GarbageCollector} under the exclusive store lease: on demand, and {@code gc-debounce} after the last
 * deletion (the retention timer calls {@link #collectIfDue()}). A collection that finds the store busy stays due.
 */
@ApplicationScoped
public class GarbageCollection {

    private static final Logger LOG = Logger.getLogger(GarbageCollection.class);

    private final GarbageCollector collector;
    private final StoreLeases leases;
    private final Clock clock = Clock.systemUTC();
    private final Duration debounce;
    /** When the requested collection is due; null when none is requested. In memory: see DESIGN.md. */
    private final AtomicReference<Instant> dueAt = new AtomicReference<>();

    public GarbageCollection(S3SnapshotStore store, StoreLeases leases, SnapshotWorkerConfig.Snapshot config) {
        this.collector = new GarbageCollector(store, store, Clock.systemUTC(), config.retention().gcGrace());
        this.leases = leases;
        this.debounce = config.retention().gcDebounce();
    }

    /** Asks for a collection {@code gc-debounce} from now; another deletion before then moves it later. */
    public void requestSoon() {
        dueAt.set(clock.instant().plus(debounce));
    }

    /** Runs the requested collection if it is due and the store is free. */
    public Uni<Void> collectIfDue() {
        Instant due = dueAt.get();
        if (due == null || due.isAfter(clock.instant())) {
            return Uni.createFrom().voidItem();
        }
        return collectNow().invoke(result -> {
            if (result.isPresent()) {
                // A deletion during the collection moved the due time: that one stays requested.
                dueAt.compareAndSet(due, null);
            }
        }).replaceWithVoid();
    }

    /**
     * Collects now.
     *
     * @return empty when a snapshot, restore or another collection holds a store lease
     */
    public Uni<Optional<GcResult>> collectNow() {
        return leases.tryExclusive("gc", () -> Uni.createFrom().item(collector::collect)
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                .invoke(result -> {
                    if (result.isPresent()) {
                        LOG.infof("Garbage collection deleted %d chunks (%d bytes), kept %d",
                                result.get().chunksDeleted(), result.get().bytesDeleted(), result.get().chunksKept());
                    } else {
                        LOG.infof("Garbage collection postponed: snapshots or restores hold the store");
                    }
                });
    }
}
