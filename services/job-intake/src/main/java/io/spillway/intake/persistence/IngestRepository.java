package io.spillway.intake.persistence;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.spillway.kit.Outbox;
import io.spillway.schemas.CloudEvent;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Tuple;

/** Accepts an externally posted CloudEvent once: records its (source, id) and puts it in the outbox, atomically. */
@ApplicationScoped
public class IngestRepository {

    private final PgPool pool;
    private final Outbox outbox;

    public IngestRepository(PgPool pool, Outbox outbox) {
        this.pool = pool;
        this.outbox = outbox;
    }

    /** {@code true} when the event is new and will be published; {@code false} for a repeated post. */
    public Uni<Boolean> accept(CloudEvent event) {
        return pool.withTransaction(tx -> tx
                .preparedQuery("INSERT INTO ingested_events (ce_source, ce_id, ce_type) VALUES ($1, $2, $3)"
                        + " ON CONFLICT DO NOTHING")
                .execute(Tuple.of(event.source(), event.id(), event.type()))
                .chain(inserted -> inserted.rowCount() == 0
                        ? Uni.createFrom().item(false)
                        : outbox.append(tx, event).replaceWith(true)));
    }
}
