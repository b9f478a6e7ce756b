package io.spillway.snapshot.api;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.spillway.snapshot.domain.CheckReport;
import io.spillway.snapshot.domain.RepositoryChecker;
import io.spillway.snapshot.domain.SnapshotException;
import io.spillway.snapshot.persistence.SnapshotCatalogue;
import io.spillway.snapshot.retention.StoreLeases;
import io.spillway.snapshot.s3.S3SnapshotStore;

/**
 * Runs {@link RepositoryChecker} on the worker's bucket under a shared store lease, as a snapshot runs: garbage
 * collection cannot delete or repack anything while a check reads, so a pack it finds missing was not just replaced
 * (a running collection makes the check wait, up to {@code lease-wait}). Snapshots and restores go on meanwhile.
 */
@ApplicationScoped
public class RepositoryCheck {

    private static final Logger LOG = Logger.getLogger(RepositoryCheck.class);
    /** A catalogue read is one query; this only keeps a hung database from holding the check forever. */
    private static final Duration CATALOGUE_TIMEOUT = Duration.ofMinutes(1);

    private final RepositoryChecker checker;
    private final StoreLeases leases;

    public RepositoryCheck(S3SnapshotStore store, SnapshotCatalogue catalogue, StoreLeases leases) {
        this.checker = new RepositoryChecker(store, store,
                () -> catalogue.uploadedLocators().await().atMost(CATALOGUE_TIMEOUT));
        this.leases = leases;
    }

    /**
     * Checks the repository.
     *
     * @return the report, whether or not damage was found; a failed {@link StoreBusy} when a garbage collection held
     *         the store for all of {@code lease-wait}, a failed {@link SnapshotException} when the store could not be
     *         read at all
     */
    public Uni<CheckReport> check(boolean readData) {
        AtomicBoolean started = new AtomicBoolean();
        return leases.withShared("repository check", null, () -> Uni.createFrom().item(() -> {
            started.set(true);
            return checker.check(readData);
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                .onFailure(SnapshotException.class).transform(failure -> started.get() ? failure
                        : new StoreBusy(failure.getMessage()))
                .invoke(report -> LOG.infof("Repository check (readData=%s): %s, %d packs, %d chunks, %d manifests,"
                        + " %d bytes read in %d ms, %d problems", readData, report.ok() ? "ok" : "DAMAGED",
                        report.packsChecked(), report.chunksChecked(), report.manifestsChecked(), report.bytesRead(),
                        report.durationMs(), report.problems().size()));
    }

    /** A garbage collection held the store longer than a check waits. */
    public static final class StoreBusy extends RuntimeException {
        StoreBusy(String message) {
            super(message);
        }
    }
}
