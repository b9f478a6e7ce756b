package io.spillway.snapshot.messaging;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.spillway.kit.Inbox;
import io.spillway.kit.IncomingEvents;
import io.spillway.kit.IncomingEvents.Received;
import io.spillway.kit.IncomingEvents.RejectedEvent;
import io.spillway.kit.Transactions;
import io.spillway.schemas.EventType;
import io.spillway.schemas.StorageEvent.SnapshotDeleteRequested;
import io.spillway.snapshot.domain.ServedSites;
import io.spillway.snapshot.domain.SnapshotException;
import io.spillway.snapshot.domain.SnapshotLayout;
import io.spillway.snapshot.persistence.SnapshotCatalogue;
import io.spillway.snapshot.retention.SnapshotDeleter;

/**
 * Deletes the snapshots asked for by {@code SnapshotDeleteRequested} and answers {@code SnapshotDeleted}, for the
 * snapshots of the sites this worker serves (the catalogue says whose; others are left to their site's worker,
 * untouched). A request for an id never uploaded, or deleted already, is a valid request for a state that holds
 * already: it is logged and claimed, and nothing is emitted (idempotent, like deleting a missing S3 key). An id that
 * cannot name a snapshot, or a filesystem that is not the snapshot's, is dead-lettered.
 */
@ApplicationScoped
public class SnapshotDeleteRequestConsumer {

    private static final Logger LOG = Logger.getLogger(SnapshotDeleteRequestConsumer.class);

    private final SnapshotCatalogue catalogue;
    private final SnapshotDeleter deleter;
    private final Transactions transactions;
    private final Inbox inbox;
    private final ServedSites served;

    public SnapshotDeleteRequestConsumer(SnapshotCatalogue catalogue, SnapshotDeleter deleter,
            Transactions transactions, Inbox inbox, ServedSites served) {
        this.catalogue = catalogue;
        this.deleter = deleter;
        this.transactions = transactions;
        this.inbox = inbox;
        this.served = served;
    }

    @Incoming("deletes")
    public Uni<Void> consume(Message<byte[]> message) {
        return IncomingEvents.handle(message, Set.of(EventType.SNAPSHOT_DELETE_REQUESTED), this::apply);
    }

    private Uni<Void> apply(Received received) {
        SnapshotDeleteRequested request = received.data();
        try {
            SnapshotLayout.requireSafeId(request.snapshotId());
        } catch (SnapshotException e) {
            throw new RejectedEvent(e.reason() + ": snapshotId: " + e.getMessage());
        }
        String reason = request.reason() == null || request.reason().isBlank() ? "requested" : request.reason();
        return catalogue.alreadyApplied(received.event().id()).chain(applied -> applied ? Uni.createFrom().voidItem()
                : catalogue.findUploaded(request.snapshotId()).chain(uploaded -> {
                    if (uploaded.isEmpty()) {
                        return nothingToDelete(received, request);
                    }
                    if (!served.serves(uploaded.get().site())) {
                        // The one catalogue names the snapshot's site: that site's worker deletes it. Nothing is
                        // claimed in the shared inbox, so this never makes that worker skip the request.
                        LOG.debugf("Delete of snapshot %s is for %s, which this worker does not serve (%s); left to"
                                + " that site's worker", request.snapshotId(), uploaded.get().site(), served);
                        return Uni.createFrom().voidItem();
                    }
                    if (request.filesystem() != null && !request.filesystem().equals(uploaded.get().filesystem())) {
                        throw new RejectedEvent("INVALID_REQUEST: filesystem: '" + request.filesystem()
                                + "' is not the filesystem of snapshot " + request.snapshotId() + " ('"
                                + uploaded.get().filesystem() + "')");
                    }
                    return deleter.delete(uploaded.get(), reason, received.traceparent(), received.event())
                            .replaceWithVoid();
                }));
    }

    private Uni<Void> nothingToDelete(Received received, SnapshotDeleteRequested request) {
        return catalogue.findState(request.snapshotId()).chain(state -> {
            LOG.infof("Delete of snapshot %s (%s) asked: %s; nothing to do", request.snapshotId(),
                    request.filesystem(), state.map(s -> "it is " + s).orElse("no such snapshot was uploaded here"));
            return transactions.inTransaction(session -> inbox.firstDelivery(session, received.event()))
                    .replaceWithVoid();
        });
    }
}
