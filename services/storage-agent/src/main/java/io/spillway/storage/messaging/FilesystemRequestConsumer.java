package io.spillway.storage.messaging;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

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
import io.spillway.kit.Transactions;
import io.spillway.schemas.EventType;
import io.spillway.schemas.StorageEvent.FilesystemReady;
import io.spillway.schemas.StorageEvent.FilesystemRequested;
import io.spillway.schemas.StorageEvent.SnapshotRestored;
import io.spillway.storage.domain.FilesystemException;
import io.spillway.storage.domain.FilesystemPlanner;
import io.spillway.storage.domain.FilesystemPlanner.Decision;
import io.spillway.storage.persistence.FilesystemCatalogue;
import io.spillway.storage.posix.PosixFilesystems;

/**
 * Answers {@code FilesystemRequested} for this site: the directory exists, it is catalogued, it is ready. Also
 * catalogues a filesystem that snapshot-worker restored at this site ({@code SnapshotRestored}), so jobs rerouted here
 * can mount it like any other.
 */
@ApplicationScoped
public class FilesystemRequestConsumer {

    private static final Logger LOG = Logger.getLogger(FilesystemRequestConsumer.class);

    private final FilesystemPlanner planner;
    private final PosixFilesystems filesystems;
    private final FilesystemCatalogue catalogue;
    private final Transactions transactions;
    private final Inbox inbox;
    private final Outbox outbox;

    public FilesystemRequestConsumer(FilesystemPlanner planner, PosixFilesystems filesystems,
            FilesystemCatalogue catalogue, Transactions transactions, Inbox inbox, Outbox outbox) {
        this.planner = planner;
        this.filesystems = filesystems;
        this.catalogue = catalogue;
        this.transactions = transactions;
        this.inbox = inbox;
        this.outbox = outbox;
    }

    @Incoming("snapshots")
    public Uni<Void> consume(Message<byte[]> message) {
        return IncomingEvents.handle(message, Set.of(EventType.FILESYSTEM_REQUESTED, EventType.SNAPSHOT_RESTORED),
                received -> received.event().data() instanceof SnapshotRestored ? catalogueRestored(received)
                        : apply(received));
    }

    /** A restore wrote the filesystem's directory already; it only needs to be known here. Nothing is emitted. */
    private Uni<Void> catalogueRestored(Received received) {
        SnapshotRestored restored = received.data();
        Decision.Provide provide = provideHere(restored.site(), restored.filesystem());
        if (provide == null) {
            return Uni.createFrom().voidItem();
        }
        return directoryOf(provide)
                .chain(directory -> transactions.inTransaction(session -> inbox.firstDelivery(session, received.event())
                        .chain(first -> first
                                ? catalogue.record(session, provide.name().value(), directory,
                                        "restore-" + restored.restoreId())
                                        .invoke(() -> LOG.infof("Filesystem %s restored at %s (restore %s)",
                                                provide.name(), directory, restored.restoreId()))
                                : Uni.createFrom().voidItem())));
    }

    private Uni<Void> apply(Received received) {
        FilesystemRequested request = received.data();
        Decision.Provide provide = provideHere(request.site(), request.filesystem());
        if (provide == null) {
            return Uni.createFrom().voidItem();
        }
        return directoryOf(provide)
                .chain(directory -> transactions.inTransaction(session -> inbox.firstDelivery(session, received.event())
                        .chain(first -> {
                            if (!first) {
                                return Uni.createFrom().voidItem();
                            }
                            return catalogue.record(session, provide.name().value(), directory, request.requestId())
                                    .chain(() -> outbox.append(session, ready(request, directory),
                                            received.traceparent()))
                                    .invoke(() -> LOG.infof("Filesystem %s ready at %s (request %s)",
                                            provide.name(), directory, request.requestId()))
                                    .replaceWithVoid();
                        })));
    }

    /** What to provide here, or {@code null} when the filesystem belongs to another site; a bad name is rejected. */
    private Decision.Provide provideHere(String site, String filesystem) {
        Decision decision;
        try {
            decision = planner.plan(site, filesystem);
        } catch (FilesystemException e) {
            throw new RejectedEvent(e.reason() + ": " + e.getMessage());
        }
        return decision instanceof Decision.Provide provide ? provide : null;
    }

    /** Creates the directory before the transaction: safe on a redelivery or a crash before commit (idempotent). */
    private Uni<Path> directoryOf(Decision.Provide provide) {
        return Uni.createFrom().item(() -> filesystems.ensureDirectory(provide.directory()))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private static FilesystemReady ready(FilesystemRequested request, Path directory) {
        return new FilesystemReady(request.requestId(), request.site(), request.filesystem(),
                directory.toAbsolutePath().toString(), List.of());
    }
}
