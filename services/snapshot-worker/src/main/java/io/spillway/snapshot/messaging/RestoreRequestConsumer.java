package io.spillway.snapshot.messaging;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
import io.spillway.schemas.StorageEvent.FilesystemReady;
import io.spillway.schemas.StorageEvent.RestoreFailed;
import io.spillway.schemas.StorageEvent.RestoreProgress;
import io.spillway.schemas.StorageEvent.RestoreRequested;
import io.spillway.schemas.StorageEvent.SnapshotRestored;
import io.spillway.snapshot.config.SnapshotWorkerConfig;
import io.spillway.snapshot.domain.Manifest;
import io.spillway.snapshot.domain.ManifestStore;
import io.spillway.snapshot.domain.Progress;
import io.spillway.snapshot.domain.ProgressThrottle;
import io.spillway.snapshot.domain.RestoreListener;
import io.spillway.snapshot.domain.RestoreResult;
import io.spillway.snapshot.domain.ServedSites;
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
 * Restores the snapshots asked for by {@code RestoreRequested} into {@code <site root>/<filesystem>} at the sites this
 * worker serves (restores into other sites are left to their own worker, untouched): manifest and chunks fetched on a
 * worker thread, then one transaction that claims the event and appends {@code SnapshotRestored} with
 * {@code FilesystemReady} for the whole filesystem.
 *
 * <p>
 * While it runs: {@code FilesystemReady} naming the priority paths as soon as every file under them is in place
 * (before any other file is fetched), and {@code RestoreProgress} at most every
 * {@code spillway.snapshot.progress-interval}, each committed at once in its own transaction. A restore repeated
 * after a crash sends them again; consumers treat them as idempotent by restore id and paths.
 *
 * <p>
 * A request that is not usable at all (no locator, an id that cannot name a directory, a filesystem that is not a
 * name) is dead-lettered. A valid request that cannot be fulfilled (no manifest at the locator, a corrupt chunk, a
 * full disk) is answered with {@code RestoreFailed} and its reason, in the transaction that claims the event.
 */
@ApplicationScoped
public class RestoreRequestConsumer {

    private static final Logger LOG = Logger.getLogger(RestoreRequestConsumer.class);
    /** The fetch and write of one restore, in the trace of the request (a job's, for its results coming home). */
    static final String RESTORE_SPAN = "snapshot.restore";

    private final SiteRoots roots;
    private final SnapshotRestorer restorer;
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

    public RestoreRequestConsumer(SiteRoots roots, SnapshotRestorer restorer, S3SnapshotStore manifests,
            SnapshotCatalogue catalogue, PgPool pool, Inbox inbox, Outbox outbox, ImmediateEvents immediateEvents,
            SnapshotMetrics metrics, SnapshotWorkerConfig.Snapshot config) {
        this.roots = roots;
        this.restorer = restorer;
        this.manifests = manifests;
        this.catalogue = catalogue;
        this.pool = pool;
        this.inbox = inbox;
        this.outbox = outbox;
        this.immediateEvents = immediateEvents;
        this.metrics = metrics;
        this.progressInterval = config.progressInterval();
    }

    @Incoming("restores")
    public Uni<Void> consume(Message<byte[]> message) {
        return IncomingEvents.handle(message, Set.of(EventType.RESTORE_REQUESTED), this::apply);
    }

    private Uni<Void> apply(Received received) {
        RestoreRequested request = received.data();
        if (!served.serves(request.site())) {
            // A restore into another site is that site's worker's, which writes its storage. Nothing is claimed in
            // the shared inbox, so this never makes that worker skip it.
            LOG.debugf("Restore %s is into %s, which this worker does not serve (%s); left to that site's worker",
                    request.restoreId(), request.site(), served);
            return Uni.createFrom().voidItem();
        }
        try {
            validate(request);
            // Fails fast on an unknown site, a filesystem that is not a name or a target path that leaves it, before
            // anything is fetched.
            roots.resolve(request.site(), request.filesystem(), request.targetPath());
        } catch (SnapshotException e) {
            if (e.reason() == Reason.INVALID_REQUEST) {
                throw new RejectedEvent(e.reason() + ": " + e.getMessage());
            }
            return catalogue.alreadyApplied(received.event().id()).chain(applied -> {
                if (applied) {
                    return Uni.createFrom().voidItem();
                }
                metrics.restoreFailed(Duration.ZERO);
                return failed(received, request, e);
            });
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
        long started = System.nanoTime();
        // Fetching and writing a filesystem is blocking I/O that may take minutes: never on the event loop.
        // Under a shared store lease naming the manifest: retention keeps it and garbage collection waits.
        return leases.withShared("restore " + request.restoreId(), request.locator(),
                () -> Uni.createFrom().item(() -> {
                    metrics.restoreStarted();
                    try {
                        return run(received, request);
                    } finally {
                        metrics.restoreEnded();
                    }
                }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                .onItemOrFailure().transformToUni((restored, failure) -> {
                    if (failure != null) {
                        metrics.restoreFailed(Duration.ofNanos(System.nanoTime() - started));
                    } else {
                        metrics.restored(restored.result());
                    }
                    if (failure instanceof SnapshotException e) {
                        return failed(received, request, e);
                    }
                    if (failure != null) {
                        return Uni.createFrom().failure(failure);
                    }
                    return restored(received, request, restored);
                });
    }

    private static String joined(String targetPath, String path) {
        if (targetPath == null || targetPath.isBlank()) {
            return path;
        }
        return path == null || path.isBlank() ? targetPath : targetPath + "/" + path;
    }

    /** The manifest and the restore of it. Blocking: called on the worker thread. */
    private Restored run(Received received, RestoreRequested request) {
        Manifest manifest = manifests.get(request.locator()).orElseThrow(() -> new SnapshotException(
                Reason.SNAPSHOT_NOT_FOUND, "No snapshot manifest is stored at locator '" + request.locator() + "'"));
        // A snapshot of a path inside the filesystem names its entries relative to that path; a target path (a burst
        // job's results coming home) puts the whole tree under a directory of its own.
        Path target = roots.resolve(request.site(), request.filesystem(), joined(request.targetPath(),
                manifest.path()));
        Span span = WorkSpans.start(tracer, RESTORE_SPAN, received.traceparent(), request.burstId(), request.site(),
                request.filesystem())
                .setAttribute("spillway.restore.id", request.restoreId())
                .setAttribute("spillway.locator", request.locator());
        if (request.targetPath() != null) {
            span.setAttribute("spillway.target.path", request.targetPath());
        }
        try {
            RestoreResult result = restorer.restore(new SnapshotRestorer.Request(request.restoreId(), manifest,
                    target, relativeTo(manifest.path(), request.priorityPaths())), listener(received, request));
            span.setAttribute("spillway.restore.files", result.files())
                    .setAttribute("spillway.restore.bytes_written", result.bytesWritten());
            return new Restored(manifest, result);
        } catch (RuntimeException e) {
            WorkSpans.failed(span, e);
            throw e;
        } finally {
            span.end();
        }
    }

    /** Sends what the restore tells while it runs; progress throttled to one event per interval. */
    private RestoreListener listener(Received received, RestoreRequested request) {
        ProgressThrottle throttle = new ProgressThrottle(progressInterval, Clock.systemUTC());
        return new RestoreListener() {
            @Override
            public void priorityPathsReady(List<String> priorityPaths) {
                // Named as the request named them (relative to the filesystem), not as the restorer saw them.
                LOG.infof("Restore %s: priority paths %s of %s at site %s are in place", request.restoreId(),
                        request.priorityPaths(), request.filesystem(), request.site());
                immediateEvents.send(new FilesystemReady(request.restoreId(), request.site(), request.filesystem(),
                        mountPath(request), request.priorityPaths()), received.traceparent());
            }

            @Override
            public void progress(Progress progress) {
                if (throttle.due()) {
                    immediateEvents.send(new RestoreProgress(request.restoreId(), request.site(),
                            request.filesystem(), progress.filesDone(), progress.filesTotal(), progress.bytesDone(),
                            progress.bytesTotal(), request.burstId()), received.traceparent());
                }
            }
        };
    }

    /** The filesystem's directory at the site, where a job finds what was restored. */
    private String mountPath(RestoreRequested request) {
        return roots.resolve(request.site(), request.filesystem(), null).toAbsolutePath().toString();
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
                result.durationMs(), request.burstId()), received.traceparent())
                // The whole filesystem is usable: no paths named.
                .chain(() -> outbox.append(tx, new FilesystemReady(request.restoreId(), request.site(),
                        request.filesystem(), mountPath(request), List.of()), received.traceparent()))
                .replaceWithVoid());
    }

    private Uni<Void> failed(Received received, RestoreRequested request, SnapshotException failure) {
        String reason = failure.reason() + ": " + failure.getMessage();
        LOG.errorf("Restore %s of %s into %s at site %s (burst %s) failed: %s", request.restoreId(),
                request.locator(), request.filesystem(), request.site(), request.burstId(), reason);
        // Claimed with the answer, so a redelivery does not repeat a failed restore.
        return inTransaction(received, tx -> outbox.append(tx, new RestoreFailed(request.restoreId(),
                request.locator(), request.site(), request.filesystem(), reason, request.burstId()),
                received.traceparent()).replaceWithVoid());
    }

    /** Runs {@code work} in a transaction that also claims the event in the inbox; a redelivery changes nothing. */
    private Uni<Void> inTransaction(Received received, Function<SqlClient, Uni<Void>> work) {
        return pool.withTransaction(tx -> inbox.firstDelivery(tx, received.event())
                .chain(first -> first ? work.apply(tx) : Uni.createFrom().voidItem()));
    }

    private record Restored(Manifest manifest, RestoreResult result) {
    }
}
