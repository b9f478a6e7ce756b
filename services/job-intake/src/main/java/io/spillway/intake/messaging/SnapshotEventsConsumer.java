package io.spillway.intake.messaging;

import java.util.EnumSet;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.mutiny.Uni;
import io.spillway.intake.persistence.SnapshotRepository;
import io.spillway.kit.IncomingEvents;
import io.spillway.schemas.EventType;

/**
 * Keeps the snapshots and restores read model: every request and every answer of snapshot-worker on
 * {@code spillway.snapshots}, whoever asked (this API, the burst coordinator, retention).
 */
@ApplicationScoped
public class SnapshotEventsConsumer {

    private static final Set<EventType> HANDLED = EnumSet.of(EventType.SNAPSHOT_REQUESTED,
            EventType.SNAPSHOT_CREATED, EventType.SNAPSHOT_PROGRESS, EventType.SNAPSHOT_UPLOADED,
            EventType.SNAPSHOT_FAILED, EventType.SNAPSHOT_DELETED, EventType.RESTORE_REQUESTED,
            EventType.RESTORE_PROGRESS, EventType.SNAPSHOT_RESTORED, EventType.RESTORE_FAILED);

    private final SnapshotRepository snapshots;

    public SnapshotEventsConsumer(SnapshotRepository snapshots) {
        this.snapshots = snapshots;
    }

    @Incoming("snapshots")
    public Uni<Void> consume(Message<byte[]> message) {
        return IncomingEvents.handle(message, HANDLED, received -> snapshots.apply(received.event(),
                received.traceparent()));
    }
}
