package io.spillway.burst.messaging;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.mutiny.Uni;
import io.spillway.burst.persistence.BurstStore;
import io.spillway.burst.persistence.BurstStore.RefKind;
import io.spillway.burst.saga.BurstSaga;
import io.spillway.kit.IncomingEvents;
import io.spillway.kit.IncomingEvents.Received;
import io.spillway.schemas.EventType;
import io.spillway.schemas.StorageEvent.FilesystemReady;
import io.spillway.schemas.StorageEvent.RestoreFailed;
import io.spillway.schemas.StorageEvent.SnapshotFailed;
import io.spillway.schemas.StorageEvent.SnapshotRestored;
import io.spillway.schemas.StorageEvent.SnapshotUploaded;

/**
 * The answers to the snapshots and restores bursts asked for, found by snapshot id or restore id. Storage events
 * of no burst (someone else's snapshots) change nothing.
 */
@ApplicationScoped
public class StorageEventConsumer {

    private final BurstSaga saga;
    private final BurstStore store;
    private final SagaRunner runner;

    public StorageEventConsumer(BurstSaga saga, BurstStore store, SagaRunner runner) {
        this.saga = saga;
        this.store = store;
        this.runner = runner;
    }

    @Incoming("snapshots")
    public Uni<Void> consume(Message<byte[]> message) {
        return IncomingEvents.handle(message, Set.of(EventType.SNAPSHOT_UPLOADED, EventType.SNAPSHOT_FAILED,
                EventType.FILESYSTEM_READY, EventType.SNAPSHOT_RESTORED, EventType.RESTORE_FAILED), this::apply);
    }

    private Uni<Void> apply(Received received) {
        Object data = received.event().data();
        if (data instanceof SnapshotUploaded uploaded) {
            return runner.apply(received,
                    session -> store.findByRefForUpdate(session, RefKind.SNAPSHOT, uploaded.snapshotId()),
                    (session, burst, now) -> Uni.createFrom().item(saga.onSnapshotUploaded(burst.get(),
                            uploaded.snapshotId(), uploaded.locator(), uploaded.bytesUploaded(), now)),
                    false);
        }
        if (data instanceof SnapshotFailed failed) {
            return runner.apply(received,
                    session -> store.findByRefForUpdate(session, RefKind.SNAPSHOT, failed.snapshotId()),
                    (session, burst, now) -> Uni.createFrom().item(saga.onSnapshotFailed(burst.get(),
                            failed.snapshotId(), failed.reason(), now)),
                    false);
        }
        if (data instanceof FilesystemReady ready) {
            return runner.apply(received,
                    session -> store.findByRefForUpdate(session, RefKind.RESTORE, ready.requestId()),
                    (session, burst, now) -> Uni.createFrom().item(saga.onFilesystemReady(burst.get(),
                            ready.requestId(), ready.paths(), now)),
                    false);
        }
        if (data instanceof SnapshotRestored restored) {
            return runner.apply(received,
                    session -> store.findByRefForUpdate(session, RefKind.RESTORE, restored.restoreId()),
                    (session, burst, now) -> Uni.createFrom().item(saga.onRestored(burst.get(),
                            restored.restoreId(), now)),
                    false);
        }
        RestoreFailed failed = (RestoreFailed) data;
        return runner.apply(received,
                session -> store.findByRefForUpdate(session, RefKind.RESTORE, failed.restoreId()),
                (session, burst, now) -> Uni.createFrom().item(saga.onRestoreFailed(burst.get(),
                        failed.restoreId(), failed.reason(), now)),
                false);
    }
}
