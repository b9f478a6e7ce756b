package io.spillway.snapshot.messaging;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

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
import io.spillway.schemas.StorageEvent.SnapshotCreated;
import io.spillway.schemas.StorageEvent.SnapshotFailed;
import io.spillway.schemas.StorageEvent.SnapshotProgress;
import io.spillway.schemas.StorageEvent.SnapshotRequested;
import io.spillway.schemas.StorageEvent.SnapshotUploaded;
import io.spillway.snapshot.domain.Manifest;
import io.spillway.snapshot.domain.ManifestStore;
import io.spillway.snapshot.domain.Progress;
import io.spillway.snapshot.domain.SiteRoots;
import io.spillway.snapshot.domain.SnapshotException;
import io.spillway.snapshot.domain.SnapshotLayout;
import io.spillway.snapshot.domain.SnapshotResult;
import io.spillway.snapshot.persistence.SnapshotCatalogue;
import io.spillway.snapshot.persistence.SnapshotCatalogue.Uploaded;
import io.spillway.snapshot.posix.SnapshotTaker;
import io.spillway.snapshot.s3.S3SnapshotStore;

/**
 * Takes the snapshots asked for by {@code SnapshotRequested} at the sites this worker serves (others are left to their
 * own site's worker, untouched): the walk and upload on a worker thread, then one transaction that records the outcome
 * and appends its events. A request that is valid but cannot be fulfilled (filesystem missing, object store failing)
 * is answered with {@code SnapshotFailed}; a request that is not usable at all (an id that cannot name an object, a
 * path leaving its filesystem) is dead-lettered. While the walk and upload run, {@code SnapshotProgress} is sent at
 * most every {@code spillway.snapshot.progress-interval}, each committed at once in its own transaction. A repeated
 * request for a snapshot uploaded already is answered from the catalogue. {@link WorkRunner} runs it as it runs
 * restores.
 */
@ApplicationScoped
public class SnapshotRequestConsumer
        implements WorkKind<SnapshotRequested, SnapshotRequestConsumer.Job, SnapshotResult> {

    private static final Logger LOG = Logger.getLogger(SnapshotRequestConsumer.class);
    /** The walk and upload of one snapshot, in the trace of the request (a job's, for its results). */
    static final String SNAPSHOT_SPAN = "snapshot.take";

    private final WorkRunner runner;
    private final SiteRoots roots;
    private final SnapshotTaker taker;
    private final ManifestStore manifests;
    private final SnapshotCatalogue catalogue;
    private final Outbox outbox;
    private final SnapshotMetrics metrics;

    public SnapshotRequestConsumer(WorkRunner runner, SiteRoots roots, SnapshotTaker taker, S3SnapshotStore manifests,
            SnapshotCatalogue catalogue, Outbox outbox, SnapshotMetrics metrics) {
        this.runner = runner;
        this.roots = roots;
        this.taker = taker;
        this.manifests = manifests;
        this.catalogue = catalogue;
        this.outbox = outbox;
        this.metrics = metrics;
    }

    @Incoming("snapshots")
    public Uni<Void> consume(Message<byte[]> message) {
        return runner.consume(message, this);
    }

    /** A snapshot to take: where it reads, and the snapshot it is incremental to, if any. */
    record Job(SnapshotTaker.Request work, Optional<Uploaded> parent) {
    }

    @Override
    public EventType requestType() {
        return EventType.SNAPSHOT_REQUESTED;
    }

    @Override
    public String site(SnapshotRequested request) {
        return request.site();
    }

    @Override
    public String burstId(SnapshotRequested request) {
        return request.burstId();
    }

    @Override
    public String atSite(SnapshotRequested request) {
        return "Snapshot " + request.snapshotId() + " is of a filesystem at " + request.site();
    }

    @Override
    public void check(SnapshotRequested request) {
        SnapshotLayout.requireSafeId(request.snapshotId());
    }

    /** An id uploaded already is answered from the catalogue, without re-reading or re-uploading. */
    @Override
    public Uni<Start<Job>> prepare(Received received, SnapshotRequested request) {
        return catalogue.findUploaded(request.snapshotId()).chain(uploaded -> {
            if (uploaded.isPresent()) {
                return Uni.createFrom().item(Start.answer(session -> answer(session, received, request,
                        uploaded.get())));
            }
            Path source = roots.resolve(request.site(), request.filesystem(), request.path());
            SnapshotTaker.Request work = new SnapshotTaker.Request(request.snapshotId(), request.site(),
                    request.filesystem(), request.path(), source);
            return catalogue.findLatestUploaded(request.site(), request.filesystem(), request.path())
                    .map(parent -> Start.work(new Job(work, parent)));
        });
    }

    /** Under a shared store lease: garbage collection does not delete a chunk this snapshot names. */
    @Override
    public Lease lease(SnapshotRequested request) {
        return new Lease("snapshot " + request.snapshotId(), null);
    }

    @Override
    public String spanName() {
        return SNAPSHOT_SPAN;
    }

    /** The walk and upload. Blocking: called on the worker thread. */
    @Override
    public SnapshotResult run(Job job, Running running) {
        SnapshotTaker.Request work = job.work();
        running.span().setAttribute("spillway.snapshot.id", work.snapshotId());
        if (work.path() != null) {
            running.span().setAttribute("spillway.path", work.path());
        }
        SnapshotResult result = taker.take(work, parentManifest(job.parent()), running::progress);
        running.span().setAttribute("spillway.snapshot.bytes_scanned", result.bytesScanned())
                .setAttribute("spillway.snapshot.bytes_uploaded", result.bytesUploaded())
                .setAttribute("spillway.snapshot.files_read", result.filesRead());
        return result;
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

    @Override
    public StorageEvent progressEvent(SnapshotRequested request, Progress progress) {
        return new SnapshotProgress(request.snapshotId(), request.site(), request.filesystem(), progress.filesDone(),
                progress.filesTotal(), progress.bytesDone(), progress.bytesTotal(), request.burstId());
    }

    @Override
    public void workStarted() {
        metrics.snapshotStarted();
    }

    @Override
    public void workEnded() {
        metrics.snapshotEnded();
    }

    @Override
    public void workSucceeded(SnapshotResult result) {
        metrics.snapshotUploaded(result);
    }

    @Override
    public void workFailed(Duration took) {
        metrics.snapshotFailed(took);
    }

    @Override
    public Uni<Void> succeeded(Mutiny.Session session, Received received, SnapshotRequested request,
            SnapshotResult result) {
        return catalogue.recordUploaded(session, request, result, received.traceparent()).chain(recorded -> {
            if (!recorded) {
                return catalogue.findUploaded(session, request.snapshotId())
                        .chain(existing -> answer(session, received, request, existing.orElseThrow()));
            }
            LOG.infof("Snapshot %s of %s/%s uploaded as %s (parent %s): %d files read, %d bytes scanned, %d uploaded,"
                    + " %d new chunks, %d reused; %d unchanged files (%d bytes) not read", request.snapshotId(),
                    request.site(), request.filesystem(), result.locator(), result.manifest().parentSnapshotId(),
                    result.filesRead(), result.bytesScanned(), result.bytesUploaded(), result.chunksNew(),
                    result.chunksReused(), result.filesSkipped(), result.bytesSkipped());
            return outbox.append(session, new SnapshotCreated(request.snapshotId(), request.site(),
                    request.filesystem(), result.manifest().files(), result.manifest().bytes(), request.burstId()),
                    received.traceparent())
                    .chain(() -> outbox.append(session, new SnapshotUploaded(request.snapshotId(), request.site(),
                            request.filesystem(), result.locator(), result.bytesScanned(), result.bytesUploaded(),
                            result.chunksNew(), result.chunksReused(), result.durationMs(), request.burstId()),
                            received.traceparent()))
                    .replaceWithVoid();
        });
    }

    @Override
    public Uni<Void> failed(Mutiny.Session session, Received received, SnapshotRequested request,
            SnapshotException failure) {
        String reason = failure.reason() + ": " + failure.getMessage();
        return catalogue.findUploaded(session, request.snapshotId()).chain(existing -> {
            if (existing.isPresent()) {
                // Uploaded by an earlier request with this id: that is the answer, not this attempt's failure.
                return answer(session, received, request, existing.get());
            }
            LOG.warnf("Snapshot %s of %s/%s failed: %s", request.snapshotId(), request.site(), request.filesystem(),
                    reason);
            return catalogue.recordFailed(session, request, reason, received.traceparent())
                    .chain(() -> outbox.append(session, new SnapshotFailed(request.snapshotId(), request.site(),
                            request.filesystem(), reason, request.burstId()), received.traceparent()))
                    .replaceWithVoid();
        });
    }

    /** Answers a repeated request for an uploaded snapshot from the catalogue, without re-reading or re-uploading. */
    private Uni<Void> answer(Mutiny.Session session, Received received, SnapshotRequested request, Uploaded snapshot) {
        LOG.infof("Snapshot %s was uploaded already as %s; answering from the catalogue", snapshot.snapshotId(),
                snapshot.locator());
        return outbox.append(session, new SnapshotUploaded(snapshot.snapshotId(), snapshot.site(),
                snapshot.filesystem(), snapshot.locator(), snapshot.bytesScanned(), snapshot.bytesUploaded(),
                snapshot.chunksNew(), snapshot.chunksReused(), snapshot.durationMs(), request.burstId()),
                received.traceparent())
                .replaceWithVoid();
    }
}
