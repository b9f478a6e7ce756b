package io.spillway.snapshot.messaging;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.spillway.kit.Inbox;
import io.spillway.kit.IncomingEvents;
import io.spillway.kit.IncomingEvents.Received;
import io.spillway.kit.IncomingEvents.RejectedEvent;
import io.spillway.kit.Outbox;
import io.spillway.schemas.EventType;
import io.spillway.schemas.StorageEvent.SnapshotCreated;
import io.spillway.schemas.StorageEvent.SnapshotFailed;
import io.spillway.schemas.StorageEvent.SnapshotProgress;
import io.spillway.schemas.StorageEvent.SnapshotRequested;
import io.spillway.schemas.StorageEvent.SnapshotUploaded;
import io.spillway.snapshot.config.SnapshotWorkerConfig;
import io.spillway.snapshot.domain.Manifest;
import io.spillway.snapshot.domain.ManifestStore;
import io.spillway.snapshot.domain.ProgressThrottle;
import io.spillway.snapshot.domain.ServedSites;
import io.spillway.snapshot.domain.SiteRoots;
import io.spillway.snapshot.domain.SnapshotException;
import io.spillway.snapshot.domain.SnapshotException.Reason;
import io.spillway.snapshot.domain.SnapshotLayout;
import io.spillway.snapshot.domain.SnapshotResult;
import io.spillway.snapshot.domain.SnapshotTaker;
import io.spillway.snapshot.persistence.SnapshotCatalogue;
import io.spillway.snapshot.persistence.SnapshotCatalogue.Uploaded;
import io.spillway.snapshot.retention.StoreLeases;
import io.spillway.snapshot.s3.S3SnapshotStore;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Takes the snapshots asked for by {@code SnapshotRequested} at the sites this worker serves (others are left to their
 * own site's worker, untouched): the walk and upload on a worker thread, then one transaction that records the outcome
 * and appends its events. A request that is valid but cannot be fulfilled (filesystem missing, object store failing)
 * is answered with {@code SnapshotFailed}; a request that is not usable at all (an id that cannot name an object, a
 * path leaving its filesystem) is dead-lettered. While the walk and upload run, {@code SnapshotProgress} is sent at
 * most every {@code spillway.snapshot.progress-interval}, each committed at once in its own transaction.
 */
@ApplicationScoped
public class SnapshotRequestConsumer {

    private static final Logger LOG = Logger.getLogger(SnapshotRequestConsumer.class);
    /** The walk and upload of one snapshot, in the trace of the request (a job's, for its results). */
    static final String SNAPSHOT_SPAN = "snapshot.take";

    private final SiteRoots roots;
    private final SnapshotTaker taker;
    private final ManifestStore manifests;
    private final SnapshotCatalogue catalogue;
    private final PgPool pool;
    private final Inbox inbox;
    private final Outbox outbox;
    private final ImmediateEvents immediateEvents;
    private final SnapshotMetrics metrics;
    private final Duration progressInterval;
    /** Field-injected, so the constructor other changes touch stays as it is. */
    @Inject
    StoreLeases leases;
    @Inject
    Tracer tracer;
    @Inject
    ServedSites served;

    public SnapshotRequestConsumer(SiteRoots roots, SnapshotTaker taker, S3SnapshotStore manifests,
            SnapshotCatalogue catalogue, PgPool pool, Inbox inbox, Outbox outbox, ImmediateEvents immediateEvents,
            SnapshotMetrics metrics, SnapshotWorkerConfig.Snapshot config) {
        this.roots = roots;
        this.taker = taker;
        this.manifests = manifests;
        this.catalogue = catalogue;
        this.pool = pool;
        this.inbox = inbox;
        this.outbox = outbox;
        this.immediateEvents = immediateEvents;
        this.metrics = metrics;
        this.progressInterval = config.progressInterval();
    }

    @Incoming("snapshots")
    public Uni<Void> consume(Message<byte[]> message) {
        return IncomingEvents.handle(message, Set.of(EventType.SNAPSHOT_REQUESTED), this::apply);
    }

    private Uni<Void> apply(Received received) {
        SnapshotRequested request = received.data();
        if (!served.serves(request.site())) {
            // That site's worker takes it, next to its storage. Nothing is claimed in the shared inbox, so this
            // never makes that worker skip it.
            LOG.debugf("Snapshot %s is of a filesystem at %s, which this worker does not serve (%s); left to that"
                    + " site's worker", request.snapshotId(), request.site(), served);
            return Uni.createFrom().voidItem();
        }
        try {
            SnapshotLayout.requireSafeId(request.snapshotId());
        } catch (SnapshotException e) {
            throw new RejectedEvent(e.reason() + ": " + e.getMessage());
        }
        return catalogue.alreadyApplied(received.event().id())
                .chain(applied -> applied ? Uni.createFrom().voidItem()
                        : catalogue.findUploaded(request.snapshotId())
                                .chain(uploaded -> uploaded.isPresent()
                                        ? inTransaction(received, tx -> answer(tx, received, request, uploaded.get()))
                                        : take(received, request)));
    }

    private Uni<Void> take(Received received, SnapshotRequested request) {
        Path source;
        try {
            source = roots.resolve(request.site(), request.filesystem(), request.path());
        } catch (SnapshotException e) {
            if (e.reason() == Reason.INVALID_REQUEST) {
                throw new RejectedEvent(e.reason() + ": " + e.getMessage());
            }
            metrics.snapshotFailed(Duration.ZERO);
            return inTransaction(received, tx -> failed(tx, received, request, e));
        }
        SnapshotTaker.Request work = new SnapshotTaker.Request(request.snapshotId(), request.site(),
                request.filesystem(), request.path(), source);
        long started = System.nanoTime();
        // Walking and uploading is blocking I/O that may take minutes: never on the event loop.
        return catalogue.findLatestUploaded(request.site(), request.filesystem(), request.path())
                // Under a shared store lease: garbage collection does not delete a chunk this snapshot names.
                .chain(parent -> leases.withShared("snapshot " + request.snapshotId(), null,
                        () -> Uni.createFrom().item(() -> take(received, request, work, parent))
                                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())))
                .onItemOrFailure().transformToUni((result, failure) -> {
                    if (failure != null) {
                        metrics.snapshotFailed(Duration.ofNanos(System.nanoTime() - started));
                    } else {
                        metrics.snapshotUploaded(result);
                    }
                    if (failure instanceof SnapshotException e) {
                        return inTransaction(received, tx -> failed(tx, received, request, e));
                    }
                    if (failure != null) {
                        return Uni.createFrom().failure(failure);
                    }
                    return inTransaction(received, tx -> uploaded(tx, received, request, result));
                });
    }

    /** The walk and upload, with progress sent as it goes. Blocking: called on the worker thread. */
    private SnapshotResult take(Received received, SnapshotRequested request, SnapshotTaker.Request work,
            Optional<Uploaded> parent) {
        metrics.snapshotStarted();
        Span span = WorkSpans.start(tracer, SNAPSHOT_SPAN, received.traceparent(), request.burstId(), request.site(),
                request.filesystem())
                .setAttribute("spillway.snapshot.id", request.snapshotId());
        if (request.path() != null) {
            span.setAttribute("spillway.path", request.path());
        }
        try {
            ProgressThrottle throttle = new ProgressThrottle(progressInterval, Clock.systemUTC());
            SnapshotResult result = taker.take(work, parentManifest(parent), progress -> {
                if (throttle.due()) {
                    immediateEvents.send(new SnapshotProgress(request.snapshotId(), request.site(),
                            request.filesystem(), progress.filesDone(), progress.filesTotal(), progress.bytesDone(),
                            progress.bytesTotal(), request.burstId()), received.traceparent());
                }
            });
            span.setAttribute("spillway.snapshot.bytes_scanned", result.bytesScanned())
                    .setAttribute("spillway.snapshot.bytes_uploaded", result.bytesUploaded())
                    .setAttribute("spillway.snapshot.files_read", result.filesRead());
            return result;
        } catch (RuntimeException e) {
            WorkSpans.failed(span, e);
            throw e;
        } finally {
            span.end();
            metrics.snapshotEnded();
        }
    }

    /**
     * The parent's manifest, or {@code null} for a full snapshot. A parent that cannot be read costs a full read,
     * not the snapshot. Blocking: called on the worker thread.
     */
    private Manifest parentManifest(Optional<Uploaded> parent) {
        if (parent.isEmpty()) {
            return null;
        }
        try {
            Optional<Manifest> manifest = manifests.get(parent.get().locator());
            if (manifest.isEmpty()) {
                LOG.infof("Parent snapshot %s has no manifest at %s any more; taking a full snapshot",
                        parent.get().snapshotId(), parent.get().locator());
            }
            return manifest.orElse(null);
        } catch (SnapshotException e) {
            LOG.warnf("Parent snapshot %s cannot be read (%s: %s); taking a full snapshot",
                    parent.get().snapshotId(), e.reason(), e.getMessage());
            return null;
        }
    }

    private Uni<Void> uploaded(SqlClient tx, Received received, SnapshotRequested request, SnapshotResult result) {
        return catalogue.recordUploaded(tx, request, result, received.traceparent()).chain(recorded -> {
            if (!recorded) {
                return catalogue.findUploaded(tx, request.snapshotId())
                        .chain(existing -> answer(tx, received, request, existing.orElseThrow()));
            }
            LOG.infof("Snapshot %s of %s/%s uploaded as %s (parent %s): %d files read, %d bytes scanned, %d uploaded,"
                    + " %d new chunks, %d reused; %d unchanged files (%d bytes) not read", request.snapshotId(),
                    request.site(), request.filesystem(), result.locator(), result.manifest().parentSnapshotId(),
                    result.filesRead(), result.bytesScanned(), result.bytesUploaded(), result.chunksNew(),
                    result.chunksReused(), result.filesSkipped(), result.bytesSkipped());
            return outbox.append(tx, new SnapshotCreated(request.snapshotId(), request.site(), request.filesystem(),
                    result.manifest().files(), result.manifest().bytes(), request.burstId()), received.traceparent())
                    .chain(() -> outbox.append(tx, new SnapshotUploaded(request.snapshotId(), request.site(),
                            request.filesystem(), result.locator(), result.bytesScanned(), result.bytesUploaded(),
                            result.chunksNew(), result.chunksReused(), result.durationMs(), request.burstId()),
                            received.traceparent()))
                    .replaceWithVoid();
        });
    }

    private Uni<Void> failed(SqlClient tx, Received received, SnapshotRequested request, SnapshotException failure) {
        String reason = failure.reason() + ": " + failure.getMessage();
        return catalogue.findUploaded(tx, request.snapshotId()).chain(existing -> {
            if (existing.isPresent()) {
                // Uploaded by an earlier request with this id: that is the answer, not this attempt's failure.
                return answer(tx, received, request, existing.get());
            }
            LOG.warnf("Snapshot %s of %s/%s failed: %s", request.snapshotId(), request.site(), request.filesystem(),
                    reason);
            return catalogue.recordFailed(tx, request, reason, received.traceparent())
                    .chain(() -> outbox.append(tx, new SnapshotFailed(request.snapshotId(), request.site(),
                            request.filesystem(), reason, request.burstId()), received.traceparent()))
                    .replaceWithVoid();
        });
    }

    /** Answers a repeated request for an uploaded snapshot from the catalogue, without re-reading or re-uploading. */
    private Uni<Void> answer(SqlClient tx, Received received, SnapshotRequested request, Uploaded snapshot) {
        LOG.infof("Snapshot %s was uploaded already as %s; answering from the catalogue", snapshot.snapshotId(),
                snapshot.locator());
        return outbox.append(tx, new SnapshotUploaded(snapshot.snapshotId(), snapshot.site(), snapshot.filesystem(),
                snapshot.locator(), snapshot.bytesScanned(), snapshot.bytesUploaded(), snapshot.chunksNew(),
                snapshot.chunksReused(), snapshot.durationMs(), request.burstId()), received.traceparent())
                .replaceWithVoid();
    }

    /** Runs {@code work} in a transaction that also claims the event in the inbox; a redelivery changes nothing. */
    private Uni<Void> inTransaction(Received received, Function<SqlClient, Uni<Void>> work) {
        return pool.withTransaction(tx -> inbox.firstDelivery(tx, received.event())
                .chain(first -> first ? work.apply(tx) : Uni.createFrom().voidItem()));
    }
}
