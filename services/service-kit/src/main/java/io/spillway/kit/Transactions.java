package io.spillway.kit;

import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The one way services open Hibernate Reactive sessions and transactions, from any thread.
 *
 * <p>
 * A reactive session must live on one Vert.x event-loop context that Quarkus has flagged safe. REST calls and Kafka
 * messages arrive on such a context; the scheduler's loop, executor callbacks and the snapshot worker's threads do
 * not. From those, the work is moved to a fresh safe duplicated context and its result handed back, so callers need
 * not know where they run. After a commit the outbox relay is woken, so events appended in the transaction go out now
 * rather than at the relay's next poll.
 */
@ApplicationScoped
public class Transactions {

    private final Mutiny.SessionFactory sessions;
    private final Vertx vertx;
    private final OutboxRelay relay;

    public Transactions(Mutiny.SessionFactory sessions, Vertx vertx, OutboxRelay relay) {
        this.sessions = sessions;
        this.vertx = vertx;
        this.relay = relay;
    }

    /** Runs {@code work} in one transaction: committed when its Uni succeeds, rolled back when it fails. */
    public <T> Uni<T> inTransaction(Function<Mutiny.Session, Uni<T>> work) {
        return onSafeContext(() -> sessions.withTransaction((session, transaction) -> work.apply(session)))
                .invoke(relay::wakeUp);
    }

    /** Runs read-only {@code work} in a session without a transaction of its own. */
    public <T> Uni<T> inSession(Function<Mutiny.Session, Uni<T>> work) {
        return onSafeContext(() -> sessions.withSession(work));
    }

    /**
     * Runs blocking {@code work} (file system, processes) on a worker thread from inside a session's chain, and
     * continues the chain back on the session's context, where the session must be used.
     */
    public <T> Uni<T> blocking(Supplier<T> work) {
        Context sessionContext = Vertx.currentContext();
        if (sessionContext == null) {
            throw new IllegalStateException("Transactions.blocking is for use inside inTransaction or inSession");
        }
        return Uni.createFrom().item(work)
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .emitOn(command -> sessionContext.runOnContext(ignored -> command.run()));
    }

    /**
     * Runs {@code work} on a safe event-loop context: the caller's own when it has one, a new duplicated context
     * otherwise. The session {@code work} opens is used on that context only.
     */
    public <T> Uni<T> onSafeContext(Supplier<Uni<T>> work) {
        Context current = Vertx.currentContext();
        if (current != null && Context.isOnEventLoopThread() && VertxContext.isDuplicatedContext(current)
                && VertxContextSafetyToggle.isExplicitlyMarkedAsSafe(current)) {
            return Uni.createFrom().<T> deferred(() -> work.get());
        }
        return Uni.createFrom().emitter(emitter -> {
            Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
            VertxContextSafetyToggle.setContextSafe(context, true);
            context.runOnContext(ignored -> {
                Uni<T> started;
                try {
                    started = work.get();
                } catch (RuntimeException e) {
                    emitter.fail(e);
                    return;
                }
                started.subscribe().with(emitter::complete, emitter::fail);
            });
        });
    }
}
