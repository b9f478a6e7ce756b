package io.spillway.burst.messaging;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.mutiny.Uni;
import io.spillway.burst.domain.BurstSaga;
import io.spillway.burst.domain.QueueSignal;
import io.spillway.burst.persistence.BurstRepository;
import io.spillway.kit.Inbox;
import io.spillway.kit.IncomingEvents;
import io.spillway.kit.IncomingEvents.Received;
import io.spillway.kit.Outbox;
import io.spillway.schemas.EventType;
import io.spillway.schemas.QueueEvent.QueueThresholdExceeded;
import io.vertx.mutiny.pgclient.PgPool;

/** Opens bursts on {@code QueueThresholdExceeded}; one open burst per home site at a time. */
@ApplicationScoped
public class QueueSignalConsumer {

    private final BurstSaga saga;
    private final BurstRepository bursts;
    private final PgPool pool;
    private final Inbox inbox;
    private final Outbox outbox;

    public QueueSignalConsumer(BurstSaga saga, BurstRepository bursts, PgPool pool, Inbox inbox, Outbox outbox) {
        this.saga = saga;
        this.bursts = bursts;
        this.pool = pool;
        this.inbox = inbox;
        this.outbox = outbox;
    }

    @Incoming("queues")
    public Uni<Void> consume(Message<byte[]> message) {
        return IncomingEvents.handle(message, Set.of(EventType.QUEUE_THRESHOLD_EXCEEDED), this::apply);
    }

    private Uni<Void> apply(Received received) {
        QueueThresholdExceeded event = received.data();
        QueueSignal signal = new QueueSignal(event.site(), event.waiting(), event.threshold(),
                event.candidates().stream()
                        .map(candidate -> new QueueSignal.Candidate(candidate.jobId(), candidate.filesystems()))
                        .toList());
        return pool.withTransaction(tx -> inbox.firstDelivery(tx, received.event()).chain(first -> {
            if (!first) {
                return Uni.createFrom().voidItem();
            }
            return bursts.findOpenForUpdate(tx, signal.site())
                    .chain(open -> SagaStep.apply(tx, bursts, outbox, received,
                            saga.onThresholdExceeded(open, signal)));
        }));
    }
}
