package io.spillway.burst.messaging;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.spillway.burst.domain.Burst;
import io.spillway.burst.domain.BurstSaga;
import io.spillway.burst.domain.Decision;
import io.spillway.burst.persistence.BurstRepository;
import io.spillway.kit.Inbox;
import io.spillway.kit.IncomingEvents;
import io.spillway.kit.IncomingEvents.Received;
import io.spillway.kit.Outbox;
import io.spillway.schemas.EventType;
import io.spillway.schemas.StorageEvent.SnapshotFailed;
import io.spillway.schemas.StorageEvent.SnapshotUploaded;
import io.vertx.mutiny.pgclient.PgPool;

/**
 * Records the outcome of the snapshots bursts asked for. Snapshots without a burst id, or of a burst this
 * coordinator does not know (taken for someone else), are not its business and are skipped.
 */
@ApplicationScoped
public class SnapshotOutcomeConsumer {

    private static final Logger LOG = Logger.getLogger(SnapshotOutcomeConsumer.class);

    private final BurstSaga saga;
    private final BurstRepository bursts;
    private final PgPool pool;
    private final Inbox inbox;
    private final Outbox outbox;

    public SnapshotOutcomeConsumer(BurstSaga saga, BurstRepository bursts, PgPool pool, Inbox inbox,
            Outbox outbox) {
        this.saga = saga;
        this.bursts = bursts;
        this.pool = pool;
        this.inbox = inbox;
        this.outbox = outbox;
    }

    @Incoming("snapshots")
    public Uni<Void> consume(Message<byte[]> message) {
        return IncomingEvents.handle(message, Set.of(EventType.SNAPSHOT_UPLOADED, EventType.SNAPSHOT_FAILED),
                this::apply);
    }

    private Uni<Void> apply(Received received) {
        String burstId;
        if (received.event().data() instanceof SnapshotUploaded uploaded) {
            burstId = uploaded.burstId();
        } else {
            burstId = ((SnapshotFailed) received.event().data()).burstId();
        }
        if (burstId == null) {
            return Uni.createFrom().voidItem();
        }
        return pool.withTransaction(tx -> inbox.firstDelivery(tx, received.event()).chain(first -> {
            if (!first) {
                return Uni.createFrom().voidItem();
            }
            return bursts.findForUpdate(tx, burstId).chain(burst -> {
                if (burst.isEmpty()) {
                    LOG.infof("Snapshot outcome %s names burst %s, which this coordinator does not know; skipped",
                            received.event().id(), burstId);
                    return Uni.createFrom().voidItem();
                }
                return SagaStep.apply(tx, bursts, outbox, received, decide(burst.get(), received));
            });
        }));
    }

    private Decision decide(Burst burst, Received received) {
        if (received.event().data() instanceof SnapshotUploaded uploaded) {
            return saga.onSnapshotUploaded(burst, uploaded.snapshotId(), uploaded.locator());
        }
        SnapshotFailed failed = (SnapshotFailed) received.event().data();
        return saga.onSnapshotFailed(burst, failed.snapshotId(), failed.reason());
    }
}
