package io.spillway.snapshot.retention;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.spillway.kit.Inbox;
import io.spillway.kit.Outbox;
import io.spillway.kit.Transactions;
import io.spillway.schemas.CloudEvent;
import io.spillway.schemas.StorageEvent.SnapshotDeleted;
import io.spillway.snapshot.domain.ManifestStore;
import io.spillway.snapshot.persistence.SnapshotCatalogue;
import io.spillway.snapshot.persistence.SnapshotCatalogue.Uploaded;
import io.spillway.snapshot.s3.S3SnapshotStore;

/**
 * The one way a snapshot goes, for a {@code SnapshotDeleteRequested} and for retention alike: its manifest is deleted
 * from the store, then one transaction marks the catalogue row DELETED and appends {@code SnapshotDeleted}. The
 * manifest goes first: a crash in between leaves an UPLOADED row without a manifest, which the next attempt finishes
 * (deleting a missing object succeeds); the other order could leave a manifest no one deletes, whose chunks stay
 * forever. Its chunks go at the next garbage collection, requested here.
 */
@ApplicationScoped
public class SnapshotDeleter {

    private static final Logger LOG = Logger.getLogger(SnapshotDeleter.class);

    private final ManifestStore manifests;
    private final SnapshotCatalogue catalogue;
    private final Transactions transactions;
    private final Inbox inbox;
    private final Outbox outbox;
    private final GarbageCollection garbageCollection;

    public SnapshotDeleter(S3SnapshotStore manifests, SnapshotCatalogue catalogue, Transactions transactions,
            Inbox inbox, Outbox outbox, GarbageCollection garbageCollection) {
        this.manifests = manifests;
        this.catalogue = catalogue;
        this.transactions = transactions;
        this.inbox = inbox;
        this.outbox = outbox;
        this.garbageCollection = garbageCollection;
    }

    /**
     * Deletes an uploaded snapshot.
     *
     * @param claim the event asking for it, claimed in the inbox in the same transaction; null for retention
     * @return whether this call deleted it (false: a redelivery, or another replica was first)
     */
    public Uni<Boolean> delete(Uploaded snapshot, String reason, String traceparent, CloudEvent claim) {
        return Uni.createFrom().item(() -> {
            manifests.delete(snapshot.locator());
            return snapshot;
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(() -> transactions.inTransaction(session -> (claim == null ? Uni.createFrom().item(true)
                        : inbox.firstDelivery(session, claim))
                        .chain(first -> !first ? Uni.createFrom().item(false)
                                : catalogue.markDeleted(session, snapshot.snapshotId(), reason)
                                        .call(deleted -> deleted ? outbox.append(session, new SnapshotDeleted(
                                                snapshot.snapshotId(), snapshot.site(), snapshot.filesystem(),
                                                snapshot.locator(), reason), traceparent)
                                                : Uni.createFrom().voidItem()))))
                .invoke(deleted -> {
                    if (deleted) {
                        LOG.infof("Snapshot %s of %s/%s deleted (%s): manifest %s removed; its chunks go at the next"
                                + " garbage collection", snapshot.snapshotId(), snapshot.site(),
                                snapshot.filesystem(), reason, snapshot.locator());
                        garbageCollection.requestSoon();
                    }
                });
    }
}
