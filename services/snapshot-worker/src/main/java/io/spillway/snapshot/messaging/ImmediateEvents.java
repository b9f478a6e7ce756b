package io.spillway.snapshot.messaging;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.spillway.kit.Outbox;
import io.spillway.kit.Transactions;
import io.spillway.schemas.StorageEvent;

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

    private final Transactions transactions;
    private final Outbox outbox;

    public ImmediateEvents(Transactions transactions, Outbox outbox) {
        this.transactions = transactions;
        this.outbox = outbox;
    }

    /**
     * Commits {@code event} now. A failure is logged and the work goes on: these events report on the work, and
     * its final event is still sent with its outcome.
     */
    public void send(StorageEvent event, String traceparent) {
        try {
            // Its own transaction, on a Vert.x context of its own: the relay is woken once it is committed.
            transactions.inTransaction(session -> outbox.append(session, event, traceparent))
                    .await().atMost(COMMIT_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.warnf(e, "Could not send %s for filesystem %s; the work goes on", event.getClass().getSimpleName(),
                    event.filesystem());
        }
    }
}
