package io.spillway.kit;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;
import io.spillway.schemas.CloudEvent;
import io.spillway.schemas.EventCodec;
import io.spillway.schemas.SpillwayEvent;

/**
 * The transactional outbox: an event is written in the same database transaction as the state change it
 * describes, and {@link OutboxRelay} publishes it once committed. No event is lost between the database and Kafka.
 */
@ApplicationScoped
public class Outbox {

    private final ServiceIdentity identity;
    private final EventCodec codec = EventCodec.shared();
    private final OutboxRelay relay;

    public Outbox(ServiceIdentity identity, OutboxRelay relay) {
        this.identity = identity;
        this.relay = relay;
    }

    /**
     * Appends an event in {@code session}'s transaction. The event is validated against its schema here, so a contract
     * bug fails the transaction instead of reaching consumers. {@link Transactions} wakes the relay after the commit.
     *
     * @param traceparent the trace the event continues, usually the job's
     */
    public Uni<CloudEvent> append(Mutiny.Session session, SpillwayEvent event, String traceparent) {
        return append(session, CloudEvent.of(identity.source(), event, traceparent));
    }

    /**
     * Appends a CloudEvent as it is, keeping its id, source and time: for events that external systems post,
     * whose identity consumers must see unchanged.
     */
    public Uni<CloudEvent> append(Mutiny.Session session, CloudEvent cloudEvent) {
        return session.persist(new OutboxMessage(row(cloudEvent))).replaceWith(cloudEvent);
    }

    /** The outbox row of a CloudEvent, its data encoded (and so validated) by the schemas' codec. */
    Row row(CloudEvent cloudEvent) {
        return new Row(cloudEvent.id(), cloudEvent.topic(), cloudEvent.subject(), cloudEvent.type(),
                cloudEvent.source(), cloudEvent.time().withOffsetSameInstant(ZoneOffset.UTC),
                cloudEvent.traceparent(), codec.encode(cloudEvent.data()));
    }

    /** Tells the relay that rows were committed, so it publishes them now rather than at its next poll. */
    public void wakeRelay() {
        relay.wakeUp();
    }

    /** One row of the {@code outbox} table (see {@code db/kit/V0_1__outbox_and_inbox.sql}). */
    public record Row(String ceId, String topic, String key, String type, String source, OffsetDateTime time,
            String traceparent, byte[] data) {
    }
}
