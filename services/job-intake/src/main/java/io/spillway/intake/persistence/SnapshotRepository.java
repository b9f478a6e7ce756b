package io.spillway.intake.persistence;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;
import io.spillway.intake.domain.RestoreState;
import io.spillway.intake.domain.SnapshotState;
import io.spillway.kit.Inbox;
import io.spillway.kit.Outbox;
import io.spillway.kit.Transactions;
import io.spillway.schemas.CloudEvent;
import io.spillway.schemas.StorageEvent;

/**
 * The snapshots and restores read model in PostgreSQL: requests written together with their event (transactional
 * outbox), and snapshot-worker's answers on {@code spillway.snapshots} applied once each.
 */
@ApplicationScoped
public class SnapshotRepository {

    private final Transactions transactions;
    private final Inbox inbox;
    private final Outbox outbox;

    public SnapshotRepository(Transactions transactions, Inbox inbox, Outbox outbox) {
        this.transactions = transactions;
        this.inbox = inbox;
        this.outbox = outbox;
    }

    /** One page of snapshots, with the number that match in all. */
    public record SnapshotPage(List<SnapshotRecord> items, long total, int limit, int offset) {
    }

    /** One page of restores, with the number that match in all. */
    public record RestorePage(List<RestoreRecord> items, long total, int limit, int offset) {
    }

    /** What a delete request found. */
    public enum Deletion {
        REQUESTED,
        NOT_UPLOADED,
        NOT_FOUND
    }

    /** Records a new snapshot and its {@code SnapshotRequested} in one transaction. */
    public Uni<SnapshotRecord> requestSnapshot(String site, String filesystem, String path, String requestedBy,
            String traceparent) {
        SnapshotEntity snapshot = new SnapshotEntity();
        snapshot.id = UUID.randomUUID().toString();
        snapshot.site = site;
        snapshot.filesystem = filesystem;
        snapshot.path = path;
        snapshot.state = SnapshotState.REQUESTED.name();
        snapshot.requestedBy = requestedBy;
        snapshot.traceparent = traceparent;
        snapshot.createdAt = now();
        snapshot.updatedAt = snapshot.createdAt;
        StorageEvent.SnapshotRequested event = new StorageEvent.SnapshotRequested(snapshot.id, site, filesystem, path,
                null);
        return transactions.inTransaction(session -> session.persist(snapshot)
                .chain(() -> outbox.append(session, event, traceparent)))
                .replaceWith(() -> toRecord(snapshot));
    }

    /** Asks snapshot-worker to delete an uploaded snapshot, publishing {@code SnapshotDeleteRequested}. */
    public Uni<Deletion> requestDelete(String id, String reason) {
        return transactions.inTransaction(session -> session.find(SnapshotEntity.class, id, LockModeType.PESSIMISTIC_WRITE)
                .chain(snapshot -> {
                    if (snapshot == null) {
                        return Uni.createFrom().item(Deletion.NOT_FOUND);
                    }
                    if (!SnapshotState.UPLOADED.name().equals(snapshot.state)) {
                        return Uni.createFrom().item(Deletion.NOT_UPLOADED);
                    }
                    return outbox.append(session,
                            new StorageEvent.SnapshotDeleteRequested(id, snapshot.filesystem, reason),
                            snapshot.traceparent)
                            .replaceWith(Deletion.REQUESTED);
                }));
    }

    /** Records a new restore and its {@code RestoreRequested} in one transaction. */
    public Uni<RestoreRecord> requestRestore(String snapshotId, String locator, String site, String filesystem,
            List<String> priorityPaths, String requestedBy, String traceparent) {
        RestoreEntity restore = new RestoreEntity();
        restore.id = UUID.randomUUID().toString();
        restore.snapshotId = snapshotId;
        restore.locator = locator;
        restore.site = site;
        restore.filesystem = filesystem;
        restore.priorityPaths = List.copyOf(priorityPaths);
        restore.state = RestoreState.REQUESTED.name();
        restore.requestedBy = requestedBy;
        restore.traceparent = traceparent;
        restore.createdAt = now();
        restore.updatedAt = restore.createdAt;
        StorageEvent.RestoreRequested event = new StorageEvent.RestoreRequested(restore.id, locator, site,
                filesystem, priorityPaths, null);
        return transactions.inTransaction(session -> session.persist(restore)
                .chain(() -> outbox.append(session, event, traceparent)))
                .replaceWith(() -> toRecord(restore));
    }

    public Uni<Optional<SnapshotRecord>> findSnapshot(String id) {
        return transactions.inSession(session -> session.find(SnapshotEntity.class, id))
                .map(snapshot -> Optional.ofNullable(snapshot).map(SnapshotRepository::toRecord));
    }

    public Uni<Optional<RestoreRecord>> findRestore(String id) {
        return transactions.inSession(session -> session.find(RestoreEntity.class, id))
                .map(restore -> Optional.ofNullable(restore).map(SnapshotRepository::toRecord));
    }

    /** Snapshots, newest first, filtered by the non-null arguments. */
    public Uni<SnapshotPage> listSnapshots(String site, String filesystem, String state, int limit, int offset) {
        String where = " where (:site is null or site = :site) and (:filesystem is null or filesystem = :filesystem)"
                + " and (:state is null or state = :state)";
        return transactions.inSession(session -> session
                .createQuery("from SnapshotEntity" + where + " order by createdAt desc, id", SnapshotEntity.class)
                .setParameter("site", site).setParameter("filesystem", filesystem).setParameter("state", state)
                .setFirstResult(offset).setMaxResults(limit)
                .getResultList()
                .chain(snapshots -> session.createQuery("select count(*) from SnapshotEntity" + where, Long.class)
                        .setParameter("site", site).setParameter("filesystem", filesystem)
                        .setParameter("state", state)
                        .getSingleResult()
                        .map(total -> new SnapshotPage(snapshots.stream().map(SnapshotRepository::toRecord).toList(),
                                total, limit, offset))));
    }

    /** Restores, newest first, filtered by the non-null arguments. */
    public Uni<RestorePage> listRestores(String site, String filesystem, String state, String snapshotId, int limit,
            int offset) {
        String where = " where (:site is null or site = :site) and (:filesystem is null or filesystem = :filesystem)"
                + " and (:state is null or state = :state) and (:snapshotId is null or snapshotId = :snapshotId)";
        return transactions.inSession(session -> session
                .createQuery("from RestoreEntity" + where + " order by createdAt desc, id", RestoreEntity.class)
                .setParameter("site", site).setParameter("filesystem", filesystem).setParameter("state", state)
                .setParameter("snapshotId", snapshotId)
                .setFirstResult(offset).setMaxResults(limit)
                .getResultList()
                .chain(restores -> session.createQuery("select count(*) from RestoreEntity" + where, Long.class)
                        .setParameter("site", site).setParameter("filesystem", filesystem)
                        .setParameter("state", state).setParameter("snapshotId", snapshotId)
                        .getSingleResult()
                        .map(total -> new RestorePage(restores.stream().map(SnapshotRepository::toRecord).toList(),
                                total, limit, offset))));
    }

    /**
     * Applies one event of {@code spillway.snapshots} to the read model, once: a redelivered event finds its id in
     * the inbox and changes nothing. Events of one filesystem arrive in order (the topic is keyed by filesystem).
     */
    public Uni<Void> apply(CloudEvent event, String traceparent) {
        StorageEvent data = (StorageEvent) event.data();
        return transactions.inTransaction(session -> inbox.firstDelivery(session, event)
                .chain(first -> !first
                        ? Uni.createFrom().voidItem()
                        : record(session, data, traceparent)));
    }

    private Uni<Void> record(Mutiny.Session session, StorageEvent data, String traceparent) {
        if (data instanceof StorageEvent.SnapshotRequested requested) {
            return session.find(SnapshotEntity.class, requested.snapshotId()).chain(existing -> existing != null
                    ? Uni.createFrom().voidItem()
                    : session.persist(fromEvent(requested, traceparent)));
        }
        if (data instanceof StorageEvent.RestoreRequested requested) {
            return session.find(RestoreEntity.class, requested.restoreId()).chain(existing -> {
                if (existing != null) {
                    return Uni.createFrom().voidItem();
                }
                // A restore asked for by another service names a locator only; the snapshot it belongs to is
                // known here when that snapshot was uploaded.
                return session.createQuery("select id from SnapshotEntity where locator = :locator", String.class)
                        .setParameter("locator", requested.locator()).setMaxResults(1)
                        .getSingleResultOrNull()
                        .chain(snapshotId -> session.persist(fromEvent(requested, snapshotId, traceparent)));
            });
        }
        String snapshotId = snapshotIdOf(data);
        if (snapshotId != null) {
            return session.find(SnapshotEntity.class, snapshotId, LockModeType.PESSIMISTIC_WRITE)
                    .invoke(snapshot -> {
                        if (snapshot != null) {
                            applyTo(snapshot, data);
                        }
                    }).replaceWithVoid();
        }
        String restoreId = restoreIdOf(data);
        if (restoreId != null) {
            return session.find(RestoreEntity.class, restoreId, LockModeType.PESSIMISTIC_WRITE)
                    .invoke(restore -> {
                        if (restore != null) {
                            applyTo(restore, data);
                        }
                    }).replaceWithVoid();
        }
        return Uni.createFrom().voidItem();
    }

    /** The snapshot an event is about (a delete request among them, which changes no state: {@link SnapshotState#after}). */
    private static String snapshotIdOf(StorageEvent event) {
        return event instanceof StorageEvent.OfSnapshot about ? about.snapshotId() : null;
    }

    private static String restoreIdOf(StorageEvent event) {
        return event instanceof StorageEvent.OfRestore about ? about.restoreId() : null;
    }

    private static void applyTo(SnapshotEntity snapshot, StorageEvent event) {
        Optional<SnapshotState> next = SnapshotState.valueOf(snapshot.state).after(event);
        if (next.isEmpty()) {
            return;
        }
        snapshot.state = next.get().name();
        if (event instanceof StorageEvent.SnapshotCreated created) {
            snapshot.files = created.files();
            snapshot.bytes = created.bytes();
        } else if (event instanceof StorageEvent.SnapshotProgress progress) {
            snapshot.progress(progress.filesDone(), progress.filesTotal(), progress.bytesDone(), progress.bytesTotal());
        } else if (event instanceof StorageEvent.SnapshotUploaded uploaded) {
            snapshot.locator = uploaded.locator();
            snapshot.bytesScanned = uploaded.bytesScanned();
            snapshot.bytesUploaded = uploaded.bytesUploaded();
            snapshot.chunksNew = uploaded.chunksNew();
            snapshot.chunksReused = uploaded.chunksReused();
            snapshot.durationMs = uploaded.durationMs();
            if (snapshot.bytesTotal != null) {
                snapshot.filesDone = snapshot.filesTotal;
                snapshot.bytesDone = snapshot.bytesTotal;
            }
        } else if (event instanceof StorageEvent.SnapshotFailed failed) {
            snapshot.reason = failed.reason();
        } else if (event instanceof StorageEvent.SnapshotDeleted deleted) {
            snapshot.reason = deleted.reason();
            if (snapshot.locator == null) {
                snapshot.locator = deleted.locator();
            }
        }
        snapshot.updatedAt = now();
    }

    private static void applyTo(RestoreEntity restore, StorageEvent event) {
        Optional<RestoreState> next = RestoreState.valueOf(restore.state).after(event);
        if (next.isEmpty()) {
            return;
        }
        restore.state = next.get().name();
        if (event instanceof StorageEvent.RestoreProgress progress) {
            restore.progress(progress.filesDone(), progress.filesTotal(), progress.bytesDone(), progress.bytesTotal());
        } else if (event instanceof StorageEvent.SnapshotRestored restored) {
            restore.files = restored.files();
            restore.bytes = restored.bytes();
            restore.durationMs = restored.durationMs();
        } else if (event instanceof StorageEvent.RestoreFailed failed) {
            restore.reason = failed.reason();
        }
        restore.updatedAt = now();
    }

    private static SnapshotEntity fromEvent(StorageEvent.SnapshotRequested requested, String traceparent) {
        SnapshotEntity snapshot = new SnapshotEntity();
        snapshot.id = requested.snapshotId();
        snapshot.site = requested.site();
        snapshot.filesystem = requested.filesystem();
        snapshot.path = requested.path();
        snapshot.state = SnapshotState.REQUESTED.name();
        snapshot.burstId = requested.burstId();
        snapshot.traceparent = traceparent;
        snapshot.createdAt = now();
        snapshot.updatedAt = snapshot.createdAt;
        return snapshot;
    }

    private static RestoreEntity fromEvent(StorageEvent.RestoreRequested requested, String snapshotId,
            String traceparent) {
        RestoreEntity restore = new RestoreEntity();
        restore.id = requested.restoreId();
        restore.snapshotId = snapshotId;
        restore.locator = requested.locator();
        restore.site = requested.site();
        restore.filesystem = requested.filesystem();
        restore.priorityPaths = requested.priorityPaths();
        restore.state = RestoreState.REQUESTED.name();
        restore.burstId = requested.burstId();
        restore.traceparent = traceparent;
        restore.createdAt = now();
        restore.updatedAt = restore.createdAt;
        return restore;
    }

    private static SnapshotRecord toRecord(SnapshotEntity s) {
        return new SnapshotRecord(s.id, s.site, s.filesystem, s.path, s.state, s.locator, s.files, s.bytes,
                s.bytesScanned, s.bytesUploaded, s.chunksNew, s.chunksReused, s.durationMs, s.reason,
                SnapshotRecord.Progress.of(s.filesDone, s.filesTotal, s.bytesDone, s.bytesTotal), s.burstId,
                s.requestedBy, s.createdAt, s.updatedAt);
    }

    private static RestoreRecord toRecord(RestoreEntity r) {
        return new RestoreRecord(r.id, r.snapshotId, r.locator, r.site, r.filesystem, r.priorityPaths, r.state,
                r.files, r.bytes, r.durationMs, r.reason,
                SnapshotRecord.Progress.of(r.filesDone, r.filesTotal, r.bytesDone, r.bytesTotal), r.burstId,
                r.requestedBy, r.createdAt, r.updatedAt);
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
