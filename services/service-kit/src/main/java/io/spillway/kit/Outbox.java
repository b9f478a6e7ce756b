package io.spillway.kit;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.spillway.schemas.CloudEvent;
import io.spillway.schemas.EventCodec;
import io.spillway.schemas.SpillwayEvent;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

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
     * Appends an event inside {@code tx}. The event is validated against its schema here, so a contract bug fails
     * the transaction instead of reaching consumers.
     *
     * @param traceparent the trace the event continues, usually the job's
     */
    public Uni<CloudEvent> append(SqlClient tx, SpillwayEvent event, String traceparent) {
        return append(tx, CloudEvent.of(identity.source(), event, traceparent));
    }

    /**
     * Appends a CloudEvent as it is, keeping its id, source and time: for events that external systems post,
     * whose identity consumers must see unchanged.
     */
    public Uni<CloudEvent> append(SqlClient tx, CloudEvent cloudEvent) {
        Row row = row(cloudEvent);
        return tx.preparedQuery("INSERT INTO outbox (ce_id, topic, msg_key, ce_type, ce_source, ce_time, traceparent,"
                + " data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .execute(Tuple.from(new Object[] { row.ceId(), row.topic(), row.key(), row.type(), row.source(),
                        row.time(), row.traceparent(), io.vertx.core.buffer.Buffer.buffer(row.data()) }))
                .invoke(relay::wakeUp)
                .replaceWith(cloudEvent);
    }

    /**
     * The outbox row of an event, validated against its schema, for a service that writes the row through its own
     * persistence layer (an ORM session) in its own transaction; call {@link #wakeRelay()} after the commit.
     */
    public Row row(SpillwayEvent event, String traceparent) {
        return row(CloudEvent.of(identity.source(), event, traceparent));
    }

    /** The outbox row of a CloudEvent kept as it is (see {@link #append(SqlClient, CloudEvent)}). */
    public Row row(CloudEvent cloudEvent) {
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
