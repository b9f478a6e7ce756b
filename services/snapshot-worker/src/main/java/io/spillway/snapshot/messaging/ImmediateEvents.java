package io.spillway.snapshot.messaging;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.spillway.kit.Outbox;
import io.spillway.schemas.StorageEvent;
import io.vertx.mutiny.pgclient.PgPool;

/**
 * Events sent while a snapshot or restore is still running (progress, priority paths ready): each is committed
 * through the outbox in its own small transaction at once, and the relay woken after the commit, rather than waiting
 * for the transaction that ends the work. Blocking: called from the worker threads doing the work, never the event
 * loop.
 */
@ApplicationScoped
public class ImmediateEvents {

    private static final Logger LOG = Logger.getLogger(ImmediateEvents.class);

    /** A database that does not answer in this time is not worth holding a snapshot or restore up for. */
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(30);

    private final PgPool pool;
    private final Outbox outbox;

    public ImmediateEvents(PgPool pool, Outbox outbox) {
        this.pool = pool;
        this.outbox = outbox;
    }

    /**
     * Commits {@code event} now. A failure is logged and the work goes on: these events report on the work, and
     * its final event is still sent with its outcome.
     */
    public void send(StorageEvent event, String traceparent) {
        try {
            pool.withTransaction(tx -> outbox.append(tx, event, traceparent)).await().atMost(COMMIT_TIMEOUT);
            // append wakes the relay before the commit; once more after it, so the relay cannot miss the row.
            outbox.wakeRelay();
        } catch (RuntimeException e) {
            LOG.warnf(e, "Could not send %s for filesystem %s; the work goes on", event.getClass().getSimpleName(),
                    event.filesystem());
        }
    }
}
