package io.spillway.kit;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;
import io.spillway.schemas.CloudEvent;

/** De-duplicates consumed events by CloudEvents id, inside the transaction that applies them. */
@ApplicationScoped
public class Inbox {

    /** {@code true} the first time this event is seen; {@code false} for a redelivery, which must change nothing. */
    public Uni<Boolean> firstDelivery(Mutiny.Session session, CloudEvent event) {
        return session.createNativeQuery("INSERT INTO inbox (ce_id, ce_type) VALUES (:id, :type) ON CONFLICT DO NOTHING")
                .setParameter("id", event.id())
                .setParameter("type", event.type())
                .executeUpdate()
                .map(inserted -> inserted == 1);
    }
}
