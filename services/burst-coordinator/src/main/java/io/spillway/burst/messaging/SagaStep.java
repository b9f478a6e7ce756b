package io.spillway.burst.messaging;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.spillway.burst.domain.Command;
import io.spillway.burst.domain.Decision;
import io.spillway.burst.persistence.BurstRepository;
import io.spillway.kit.IncomingEvents.Received;
import io.spillway.kit.Outbox;
import io.spillway.schemas.StorageEvent.SnapshotRequested;
import io.vertx.mutiny.sqlclient.SqlClient;

/** Applies a saga decision inside the consumer's transaction: the burst's new state, then its commands as events. */
final class SagaStep {

    private static final Logger LOG = Logger.getLogger(SagaStep.class);

    private SagaStep() {
    }

    static Uni<Void> apply(SqlClient tx, BurstRepository bursts, Outbox outbox, Received cause, Decision decision) {
        Uni<Void> stored = switch (decision.outcome()) {
            case OPENED -> bursts.insert(tx, decision.burst(), cause.traceparent());
            case UPDATED -> bursts.update(tx, decision.burst());
            case UNCHANGED -> {
                LOG.infof("%s %s changes nothing: %s", cause.event().type(), cause.event().id(), decision.note());
                yield Uni.createFrom().voidItem();
            }
        };
        for (Command command : decision.commands()) {
            stored = stored.chain(() -> outbox.append(tx, event(command), cause.traceparent())).replaceWithVoid();
        }
        return stored;
    }

    private static SnapshotRequested event(Command command) {
        if (command instanceof Command.RequestSnapshot request) {
            return new SnapshotRequested(request.snapshotId(), request.site(), request.filesystem(), null,
                    request.burstId());
        }
        throw new IllegalStateException("No event for command " + command);
    }
}
