package io.spillway.snapshot.retention;

import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.spillway.kit.Outbox;
import io.spillway.kit.Transactions;
import io.spillway.schemas.StorageEvent.SnapshotRequested;
import io.spillway.snapshot.config.SnapshotWorkerConfig;
import io.spillway.snapshot.domain.RetentionPlanner;
import io.spillway.snapshot.domain.RetentionPlanner.Candidate;
import io.spillway.snapshot.domain.RetentionPlanner.Plan;
import io.spillway.snapshot.persistence.SnapshotCatalogue;
import io.spillway.snapshot.persistence.SnapshotCatalogue.Recorded;
import io.spillway.snapshot.persistence.SnapshotLeases;
import io.spillway.snapshot.retention.RetentionPolicies.Scoped;
import io.vertx.mutiny.core.Vertx;

/**
 * Every {@code tick}, for each policy: forgets what the policy no longer keeps (through {@link SnapshotDeleter}),
 * requests a periodic snapshot when one is due, then runs a garbage collection that deletions made due. Every
 * replica runs it; the database decides: a snapshot is marked deleted once, a period's snapshot id is recorded once.
 */
@ApplicationScoped
public class RetentionTimer {

    private static final Logger LOG = Logger.getLogger(RetentionTimer.class);

    private final RetentionPolicies policies;
    private final SnapshotCatalogue catalogue;
    private final SnapshotLeases leases;
    private final SnapshotDeleter deleter;
    private final GarbageCollection garbageCollection;
    private final Transactions transactions;
    private final Outbox outbox;
    private final Vertx vertx;
    private final SnapshotWorkerConfig.Retention config;
    private final Clock clock = Clock.systemUTC();
    /** Keeps this replica's rounds from overlapping; correctness across replicas is the database's. */
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean stopped;
    private long timerId = -1;

    public RetentionTimer(RetentionPolicies policies, SnapshotCatalogue catalogue, SnapshotLeases leases,
            SnapshotDeleter deleter, GarbageCollection garbageCollection, Transactions transactions, Outbox outbox,
            Vertx vertx, SnapshotWorkerConfig.Snapshot config) {
        this.policies = policies;
        this.catalogue = catalogue;
        this.leases = leases;
        this.deleter = deleter;
        this.garbageCollection = garbageCollection;
        this.transactions = transactions;
        this.outbox = outbox;
        this.vertx = vertx;
        this.config = config.retention();
    }

    void start(@Observes StartupEvent event) {
        timerId = vertx.setPeriodic(config.tick().toMillis(), id -> {
            if (running.compareAndSet(false, true)) {
                round().onTermination().invoke(() -> running.set(false)).subscribe().with(done -> {
                }, failure -> LOG.errorf(failure, "Retention round failed; the next tick tries again"));
            }
        });
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
    }

    /** One round over every policy, one after another, then a due garbage collection. */
    Uni<Void> round() {
        return Multi.createFrom().iterable(policies.all())
                .onItem().transformToUniAndConcatenate(policy -> forget(policy).chain(() -> schedule(policy))
                        .onFailure().recoverWithUni(failure -> {
                            if (!stopped) {
                                // The next tick tries again: forgetting and scheduling are both idempotent.
                                LOG.errorf("Policy %s: %s", policy.name(), failure.getMessage());
                            }
                            return Uni.createFrom().voidItem();
                        }))
                .collect().last()
                .chain(() -> garbageCollection.collectIfDue());
    }

    private Uni<Void> forget(Scoped policy) {
        if (!policy.policy().forgets()) {
            return Uni.createFrom().voidItem();
        }
        return catalogue.listUploaded(policy.site(), policy.filesystem(), policy.pathOrNull())
                .chain(snapshots -> leases.locatorsInUse().chain(inUse -> {
                    Map<String, Recorded> byId = snapshots.stream()
                            .collect(Collectors.toMap(r -> r.snapshot().snapshotId(), Function.identity()));
                    Set<String> restoring = new HashSet<>();
                    snapshots.stream().filter(r -> inUse.contains(r.snapshot().locator()))
                            .forEach(r -> restoring.add(r.snapshot().snapshotId()));
                    List<Candidate> candidates = snapshots.stream()
                            .map(r -> new Candidate(r.snapshot().snapshotId(), r.createdAt())).toList();
                    Plan plan = RetentionPlanner.plan(policy.policy(), candidates, restoring, config.minAge(),
                            clock.instant());
                    return Multi.createFrom().iterable(plan.forgotten())
                            .onItem().transformToUniAndConcatenate(forgotten -> deleter.delete(
                                    byId.get(forgotten.snapshot().snapshotId()).snapshot(),
                                    forgotten.reason() + " (policy " + policy.name() + ")", null, null))
                            .collect().last().replaceWithVoid();
                }));
    }

    private Uni<Void> schedule(Scoped policy) {
        if (policy.policy().every().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Instant now = clock.instant();
        String snapshotId = policy.policy().scheduledSnapshotId(policy.name(), now);
        return transactions.inTransaction(session -> catalogue.lockScheduleState(session, policy.name(),
                policy.site(), policy.filesystem(), policy.pathOrNull(), config.pendingTimeout())
                .chain(state -> {
                    if (state.pending() || !policy.policy().snapshotDue(state.latest(), now)) {
                        return Uni.createFrom().voidItem();
                    }
                    return catalogue.recordScheduled(session, policy.name(), snapshotId).chain(recorded -> {
                        if (!recorded) {
                            return Uni.createFrom().voidItem();
                        }
                        LOG.infof("Policy %s: requesting periodic snapshot %s of %s/%s (every %s)", policy.name(),
                                snapshotId, policy.site(), policy.filesystem(), policy.policy().every().get());
                        return outbox.append(session, new SnapshotRequested(snapshotId, policy.site(),
                                policy.filesystem(), policy.pathOrNull(), null), null).replaceWithVoid();
                    });
                }));
    }
}
