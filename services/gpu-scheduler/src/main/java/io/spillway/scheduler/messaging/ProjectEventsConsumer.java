package io.spillway.scheduler.messaging;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.mutiny.Uni;
import io.spillway.kit.Inbox;
import io.spillway.kit.IncomingEvents;
import io.spillway.kit.IncomingEvents.Received;
import io.spillway.kit.Transactions;
import io.spillway.scheduler.domain.ProjectQuota;
import io.spillway.scheduler.loop.SchedulerLoop;
import io.spillway.scheduler.persistence.ProjectStore;
import io.spillway.schemas.EventType;
import io.spillway.schemas.ProjectEvent.ProjectDeleted;
import io.spillway.schemas.ProjectEvent.ProjectUpdated;

/**
 * Keeps this site's copy of every project's quota from {@code spillway.projects}: a {@code ProjectUpdated} replaces
 * the project's row, a {@code ProjectDeleted} removes it. Applied once per event (inbox), so a redelivered old
 * update cannot bring back a project deleted since.
 */
@ApplicationScoped
public class ProjectEventsConsumer {

    static final Set<EventType> HANDLED = EnumSet.of(EventType.PROJECT_UPDATED, EventType.PROJECT_DELETED);

    private final Transactions transactions;
    private final Inbox inbox;
    private final ProjectStore store;
    private final SchedulerLoop loop;

    public ProjectEventsConsumer(Transactions transactions, Inbox inbox, ProjectStore store, SchedulerLoop loop) {
        this.transactions = transactions;
        this.inbox = inbox;
        this.store = store;
        this.loop = loop;
    }

    @Incoming("projects")
    public Uni<Void> consume(Message<byte[]> message) {
        return IncomingEvents.handle(message, HANDLED, this::apply);
    }

    private Uni<Void> apply(Received received) {
        return transactions.inTransaction(session -> inbox.firstDelivery(session, received.event()).chain(first -> {
            if (!first) {
                return Uni.createFrom().voidItem();
            }
            if (received.data() instanceof ProjectUpdated updated) {
                Map<String, ProjectQuota.PoolQuota> pools = new LinkedHashMap<>();
                updated.pools().forEach((pool, share) -> pools.put(pool,
                        new ProjectQuota.PoolQuota(share.deservedGpus(), share.limitGpus())));
                return store.upsert(session, new ProjectQuota(updated.project(), updated.deservedGpus(),
                        updated.overQuotaWeight(), updated.limitGpus(), updated.department(), pools));
            }
            return store.delete(session, received.<ProjectDeleted> data().project());
        })).invoke(loop::requestPass); // a new share may let jobs run, or make room to reclaim
    }
}
