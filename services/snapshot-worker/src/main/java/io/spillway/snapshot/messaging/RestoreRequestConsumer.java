package io.spillway.snapshot.messaging;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.spillway.kit.IncomingEvents.Received;
import io.spillway.kit.Outbox;
import io.spillway.schemas.EventType;
import io.spillway.schemas.StorageEvent;
import io.spillway.schemas.StorageEvent.FilesystemReady;
import io.spillway.schemas.StorageEvent.RestoreFailed;
import io.spillway.schemas.StorageEvent.RestoreProgress;
import io.spillway.schemas.StorageEvent.RestoreRequested;
import io.spillway.schemas.StorageEvent.SnapshotRestored;
import io.spillway.snapshot.domain.Manifest;
import io.spillway.snapshot.domain.ManifestStore;
import io.spillway.snapshot.domain.Progress;
import io.spillway.snapshot.domain.RestoreListener;
import io.spillway.snapshot.domain.RestoreResult;
import io.spillway.snapshot.domain.SiteRoots;
import io.spillway.snapshot.domain.SnapshotException;
import io.spillway.snapshot.domain.SnapshotException.Reason;
import io.spillway.snapshot.domain.SnapshotLayout;
import io.spillway.snapshot.posix.SnapshotRestorer;
import io.spillway.snapshot.s3.S3SnapshotStore;

/**
 * Restores the snapshots asked for by {@code RestoreRequested} into {@code <site root>/<filesystem>} at the sites this
 * worker serves (restores into other sites are left to their own worker, untouched): manifest and chunks fetched on a
 * worker thread, then one transaction that claims the event and appends {@code SnapshotRestored} with
 * {@code FilesystemReady} for the whole filesystem. {@link WorkRunner} runs it as it runs snapshots.
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
public class RestoreRequestConsumer
        implements WorkKind<RestoreRequested, RestoreRequested, RestoreRequestConsumer.Restored> {

    private static final Logger LOG = Logger.getLogger(RestoreRequestConsumer.class);
    /** The fetch and write of one restore, in the trace of the request (a job's, for its results coming home). */
    static final String RESTORE_SPAN = "snapshot.restore";

    private final WorkRunner runner;
    private final SiteRoots roots;
    private final SnapshotRestorer restorer;
    private final ManifestStore manifests;
    private final Outbox outbox;
    private final SnapshotMetrics metrics;

    public RestoreRequestConsumer(WorkRunner runner, SiteRoots roots, SnapshotRestorer restorer,
            S3SnapshotStore manifests, Outbox outbox, SnapshotMetrics metrics) {
        this.runner = runner;
        this.roots = roots;
        this.restorer = restorer;
        this.manifests = manifests;
        this.outbox = outbox;
        this.metrics = metrics;
    }

    @Incoming("restores")
    public Uni<Void> consume(Message<byte[]> message) {
        return runner.consume(message, this);
    }

    /** A restore done: the manifest it restored and what the restore did. */
    record Restored(Manifest manifest, RestoreResult result) {
    }

    @Override
    public EventType requestType() {
        return EventType.RESTORE_REQUESTED;
    }

    @Override
    public String site(RestoreRequested request) {
        return request.site();
    }

    @Override
    public String burstId(RestoreRequested request) {
        return request.burstId();
    }

    @Override
    public String atSite(RestoreRequested request) {
        return "Restore " + request.restoreId() + " is into " + request.site();
    }

    /**
     * Fails fast on an unknown site, a filesystem that is not a name or a target path that leaves it, before anything
     * is fetched.
     */
    @Override
    public void check(RestoreRequested request) {
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
        roots.resolve(request.site(), request.filesystem(), request.targetPath());
    }

    @Override
    public Uni<Start<RestoreRequested>> prepare(Received received, RestoreRequested request) {
        return Uni.createFrom().item(Start.work(request));
    }

    /** Under a shared store lease naming the manifest: retention keeps it and garbage collection waits. */
    @Override
    public Lease lease(RestoreRequested request) {
        return new Lease("restore " + request.restoreId(), request.locator());
    }

    @Override
    public String spanName() {
        return RESTORE_SPAN;
    }

    /** The manifest and the restore of it. Blocking: called on the worker thread. */
    @Override
    public Restored run(RestoreRequested request, Running running) {
        running.span().setAttribute("spillway.restore.id", request.restoreId())
                .setAttribute("spillway.locator", request.locator());
        if (request.targetPath() != null) {
            running.span().setAttribute("spillway.target.path", request.targetPath());
        }
        Manifest manifest = manifests.get(request.locator()).orElseThrow(() -> new SnapshotException(
                Reason.SNAPSHOT_NOT_FOUND, "No snapshot manifest is stored at locator '" + request.locator() + "'"));
        // A snapshot of a path inside the filesystem names its entries relative to that path; a target path (a burst
        // job's results coming home) puts the whole tree under a directory of its own.
        Path target = roots.resolve(request.site(), request.filesystem(), joined(request.targetPath(),
                manifest.path()));
        RestoreResult result = restorer.restore(new SnapshotRestorer.Request(request.restoreId(), manifest, target,
                relativeTo(manifest.path(), request.priorityPaths())), listener(request, running));
        running.span().setAttribute("spillway.restore.files", result.files())
                .setAttribute("spillway.restore.bytes_written", result.bytesWritten());
        return new Restored(manifest, result);
    }

    private static String joined(String targetPath, String path) {
        if (targetPath == null || targetPath.isBlank()) {
            return path;
        }
        return path == null || path.isBlank() ? targetPath : targetPath + "/" + path;
    }

    /** Sends what the restore tells while it runs. */
    private RestoreListener listener(RestoreRequested request, Running running) {
        return new RestoreListener() {
            @Override
            public void priorityPathsReady(List<String> priorityPaths) {
                // Named as the request named them (relative to the filesystem), not as the restorer saw them.
                LOG.infof("Restore %s: priority paths %s of %s at site %s are in place", request.restoreId(),
                        request.priorityPaths(), request.filesystem(), request.site());
                running.send(new FilesystemReady(request.restoreId(), request.site(), request.filesystem(),
                        mountPath(request), request.priorityPaths()));
            }

            @Override
            public void progress(Progress progress) {
                running.progress(progress);
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

    @Override
    public StorageEvent progressEvent(RestoreRequested request, Progress progress) {
        return new RestoreProgress(request.restoreId(), request.site(), request.filesystem(), progress.filesDone(),
                progress.filesTotal(), progress.bytesDone(), progress.bytesTotal(), request.burstId());
    }

    @Override
    public void workStarted() {
        metrics.restoreStarted();
    }

    @Override
    public void workEnded() {
        metrics.restoreEnded();
    }

    @Override
    public void workSucceeded(Restored restored) {
        metrics.restored(restored.result());
    }

    @Override
    public void workFailed(Duration took) {
        metrics.restoreFailed(took);
    }

    @Override
    public Uni<Void> succeeded(Mutiny.Session session, Received received, RestoreRequested request,
            Restored restored) {
        RestoreResult result = restored.result();
        LOG.infof("Restore %s of %s into %s at site %s: %d files (%d bytes) in place; %d bytes written, %d chunks"
                + " fetched, %d unchanged files (%d bytes) not fetched; local changes kept aside: %s; symlinks"
                + " leaving the filesystem not created: %s", request.restoreId(), request.locator(),
                request.filesystem(), request.site(), result.files(), restored.manifest().bytes(),
                result.bytesWritten(), result.chunksFetched(), result.filesSkipped(), result.bytesSkipped(),
                result.conflicts(), result.skippedSymlinks());
        return outbox.append(session, new SnapshotRestored(request.restoreId(), request.locator(), request.site(),
                request.filesystem(), result.files(), restored.manifest().bytes(), result.durationMs(),
                request.burstId()), received.traceparent())
                // The whole filesystem is usable: no paths named.
                .chain(() -> outbox.append(session, new FilesystemReady(request.restoreId(), request.site(),
                        request.filesystem(), mountPath(request), List.of()), received.traceparent()))
                .replaceWithVoid();
    }

    /** Claimed with the answer, so a redelivery does not repeat a failed restore. */
    @Override
    public Uni<Void> failed(Mutiny.Session session, Received received, RestoreRequested request,
            SnapshotException failure) {
        String reason = failure.reason() + ": " + failure.getMessage();
        LOG.errorf("Restore %s of %s into %s at site %s (burst %s) failed: %s", request.restoreId(),
                request.locator(), request.filesystem(), request.site(), request.burstId(), reason);
        return outbox.append(session, new RestoreFailed(request.restoreId(), request.locator(), request.site(),
                request.filesystem(), reason, request.burstId()), received.traceparent())
                .replaceWithVoid();
    }
}
