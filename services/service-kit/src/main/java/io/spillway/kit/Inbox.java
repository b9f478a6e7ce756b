package io.spillway.kit;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.spillway.schemas.CloudEvent;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** De-duplicates consumed events by CloudEvents id, inside the transaction that applies them. */
@ApplicationScoped
public class Inbox {

    /** {@code true} the first time this event is seen; {@code false} for a redelivery, which must change nothing. */
    public Uni<Boolean> firstDelivery(SqlClient tx, CloudEvent event) {
        return tx.preparedQuery("INSERT INTO inbox (ce_id, ce_type) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .execute(Tuple.of(event.id(), event.type()))
                .map(result -> result.rowCount() == 1);
    }
}
