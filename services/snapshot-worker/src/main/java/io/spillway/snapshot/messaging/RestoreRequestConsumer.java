package io.spillway.snapshot.messaging;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.spillway.kit.Inbox;
import io.spillway.kit.IncomingEvents;
import io.spillway.kit.IncomingEvents.Received;
import io.spillway.kit.IncomingEvents.RejectedEvent;
import io.spillway.kit.Outbox;
import io.spillway.schemas.EventType;
import io.spillway.schemas.StorageEvent.RestoreRequested;
import io.spillway.schemas.StorageEvent.SnapshotRestored;
import io.spillway.snapshot.domain.Manifest;
import io.spillway.snapshot.domain.ManifestStore;
import io.spillway.snapshot.domain.RestoreResult;
import io.spillway.snapshot.domain.SiteRoots;
import io.spillway.snapshot.domain.SnapshotException;
import io.spillway.snapshot.domain.SnapshotException.Reason;
import io.spillway.snapshot.domain.SnapshotLayout;
import io.spillway.snapshot.domain.SnapshotRestorer;
import io.spillway.snapshot.persistence.SnapshotCatalogue;
import io.spillway.snapshot.retention.StoreLeases;
import io.spillway.snapshot.s3.S3SnapshotStore;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Restores the snapshots asked for by {@code RestoreRequested} into {@code <site root>/<filesystem>}: manifest and
 * chunks fetched on a worker thread, then one transaction that claims the event and appends {@code SnapshotRestored}.
 *
 * <p>
 * A request that is not usable at all (no locator, an id that cannot name a directory, a filesystem that is not a
 * name) is dead-lettered. A valid request that cannot be fulfilled (unknown site, no manifest at the locator, a
 * corrupt chunk, a full disk) is an operational failure, not a broken event: the schema has no restore-failure event
 * and {@code SnapshotFailed} promises that nothing of a snapshot is visible, which a half-done restore cannot, so it
 * is logged as an error naming the restore and the cause, the event is claimed, and nothing is emitted; the burst
 * saga's per-step timeout is what notices it until the schema has a restore failure.
 */
@ApplicationScoped
public class RestoreRequestConsumer {

    private static final Logger LOG = Logger.getLogger(RestoreRequestConsumer.class);

    private final SiteRoots roots;
    private final SnapshotRestorer restorer;
    private final ManifestStore manifests;
    private final SnapshotCatalogue catalogue;
    private final PgPool pool;
    private final Inbox inbox;
    private final Outbox outbox;
    /** Field-injected, so the constructor other changes touch stays as it is. */
    @Inject
    StoreLeases leases;

    public RestoreRequestConsumer(SiteRoots roots, SnapshotRestorer restorer, S3SnapshotStore manifests,
            SnapshotCatalogue catalogue, PgPool pool, Inbox inbox, Outbox outbox) {
        this.roots = roots;
        this.restorer = restorer;
        this.manifests = manifests;
        this.catalogue = catalogue;
        this.pool = pool;
        this.inbox = inbox;
        this.outbox = outbox;
    }

    @Incoming("restores")
    public Uni<Void> consume(Message<byte[]> message) {
        return IncomingEvents.handle(message, Set.of(EventType.RESTORE_REQUESTED), this::apply);
    }

    private Uni<Void> apply(Received received) {
        RestoreRequested request = received.data();
        try {
            validate(request);
            // Fails fast on an unknown site or a filesystem that is not a name, before anything is fetched.
            roots.resolve(request.site(), request.filesystem(), null);
        } catch (SnapshotException e) {
            if (e.reason() == Reason.INVALID_REQUEST) {
                throw new RejectedEvent(e.reason() + ": " + e.getMessage());
            }
            return catalogue.alreadyApplied(received.event().id())
                    .chain(applied -> applied ? Uni.createFrom().voidItem() : failed(received, request, e));
        }
        return catalogue.alreadyApplied(received.event().id()).chain(applied -> applied ? Uni.createFrom().voidItem()
                : restore(received, request));
    }

    private static void validate(RestoreRequested request) {
        try {
            SnapshotLayout.requireSafeId(request.restoreId());
        } catch (SnapshotException e) {
            throw new SnapshotException(Reason.INVALID_REQUEST, "restoreId '" + request.restoreId()
                    + "' must be 1 to 128 letters, digits, '.', '_' or '-' (it names the conflicts directory)");
        }
        if (request.locator() == null || request.locator().isBlank()) {
            throw new SnapshotException(Reason.INVALID_REQUEST, "locator is missing: it names the snapshot's"
                    + " manifest, snapshots/<filesystem>/<snapshotId>.json");
        }
    }

    private Uni<Void> restore(Received received, RestoreRequested request) {
        // Fetching and writing a filesystem is blocking I/O that may take minutes: never on the event loop.
        // Under a shared store lease naming the manifest: retention keeps it and garbage collection waits.
        return leases.withShared("restore " + request.restoreId(), request.locator(),
                () -> Uni.createFrom().item(() -> run(request)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                .onItemOrFailure().transformToUni((restored, failure) -> {
                    if (failure instanceof SnapshotException e) {
                        return failed(received, request, e);
                    }
                    if (failure != null) {
                        return Uni.createFrom().failure(failure);
                    }
                    return restored(received, request, restored);
                });
    }

    /** The manifest and the restore of it. Blocking: called on the worker thread. */
    private Restored run(RestoreRequested request) {
        Manifest manifest = manifests.get(request.locator()).orElseThrow(() -> new SnapshotException(
                Reason.SNAPSHOT_NOT_FOUND, "No snapshot manifest is stored at locator '" + request.locator() + "'"));
        // A snapshot of a path inside the filesystem names its entries relative to that path.
        Path target = roots.resolve(request.site(), request.filesystem(), manifest.path());
        RestoreResult result = restorer.restore(new SnapshotRestorer.Request(request.restoreId(), manifest, target,
                relativeTo(manifest.path(), request.priorityPaths())));
        return new Restored(manifest, result);
    }

    /** Priority paths are relative to the filesystem; the manifest's entries to the path it snapshotted. */
    static List<String> relativeTo(String snapshotPath, List<String> priorityPaths) {
        String base = snapshotPath == null ? "" : snapshotPath.replaceAll("^/+|/+$", "");
        if (base.isEmpty()) {
            return priorityPaths;
        }
        List<String> relative = new ArrayList<>();
        for (String path : priorityPaths) {
            String clean = path.replaceAll("^/+|/+$", "");
            if (clean.equals(base) || base.startsWith(clean + "/")) {
                // The whole snapshot lies under this priority path.
                relative.add("");
            } else if (clean.startsWith(base + "/")) {
                relative.add(clean.substring(base.length() + 1));
            }
        }
        return relative;
    }

    private Uni<Void> restored(Received received, RestoreRequested request, Restored restored) {
        RestoreResult result = restored.result();
        LOG.infof("Restore %s of %s into %s at site %s: %d files (%d bytes) in place; %d bytes written, %d chunks"
                + " fetched, %d unchanged files (%d bytes) not fetched; local changes kept aside: %s; symlinks"
                + " leaving the filesystem not created: %s", request.restoreId(), request.locator(),
                request.filesystem(), request.site(), result.files(), restored.manifest().bytes(),
                result.bytesWritten(), result.chunksFetched(), result.filesSkipped(), result.bytesSkipped(),
                result.conflicts(), result.skippedSymlinks());
        return inTransaction(received, tx -> outbox.append(tx, new SnapshotRestored(request.restoreId(),
                request.locator(), request.site(), request.filesystem(), result.files(), restored.manifest().bytes(),
                result.durationMs(), request.burstId()), received.traceparent()).replaceWithVoid());
    }

    private Uni<Void> failed(Received received, RestoreRequested request, SnapshotException failure) {
        // Logged, not emitted: see the class comment. Claimed, so a redelivery does not repeat a failed restore.
        LOG.errorf("Restore %s of %s into %s at site %s (burst %s) failed: %s: %s", request.restoreId(),
                request.locator(), request.filesystem(), request.site(), request.burstId(), failure.reason(),
                failure.getMessage());
        return inTransaction(received, tx -> Uni.createFrom().voidItem());
    }

    /** Runs {@code work} in a transaction that also claims the event in the inbox; a redelivery changes nothing. */
    private Uni<Void> inTransaction(Received received, Function<SqlClient, Uni<Void>> work) {
        return pool.withTransaction(tx -> inbox.firstDelivery(tx, received.event())
                .chain(first -> first ? work.apply(tx) : Uni.createFrom().voidItem()));
    }

    private record Restored(Manifest manifest, RestoreResult result) {
    }
}
