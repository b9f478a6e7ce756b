package io.spillway.intake.persistence;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.spillway.kit.Outbox;
import io.spillway.kit.Transactions;
import io.spillway.schemas.CloudEvent;

/** Accepts an externally posted CloudEvent once: records its (source, id) and puts it in the outbox, atomically. */
@ApplicationScoped
public class IngestRepository {

    private final Transactions transactions;
    private final Outbox outbox;

    public IngestRepository(Transactions transactions, Outbox outbox) {
        this.transactions = transactions;
        this.outbox = outbox;
    }

    /** {@code true} when the event is new and will be published; {@code false} for a repeated post. */
    public Uni<Boolean> accept(CloudEvent event) {
        return transactions.inTransaction(session -> session
                .createNativeQuery("INSERT INTO ingested_events (ce_source, ce_id, ce_type) VALUES (:source, :id,"
                        + " :type) ON CONFLICT DO NOTHING")
                .setParameter("source", event.source()).setParameter("id", event.id())
                .setParameter("type", event.type())
                .executeUpdate()
                .chain(inserted -> inserted == 0
                        ? Uni.createFrom().item(false)
                        : outbox.append(session, event).replaceWith(true)));
    }
}
