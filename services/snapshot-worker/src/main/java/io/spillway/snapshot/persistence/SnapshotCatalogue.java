package io.spillway.snapshot.persistence;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;
import io.spillway.kit.Transactions;
import io.spillway.schemas.StorageEvent.SnapshotRequested;
import io.spillway.snapshot.domain.SnapshotResult;

/**
 * The catalogue of snapshots taken, in table {@code snapshots} ({@link SnapshotEntity}), through Hibernate Reactive.
 * Reads go through the entity; the writes whose conditions only SQL says (upserts that replace a failure but never an
 * upload) are native SQL in the caller's session. Methods that take a session join the caller's transaction, so the
 * inbox claim, the catalogue row and the events that announce it commit together.
 */
@ApplicationScoped
public class SnapshotCatalogue {

    /** The uploaded snapshots of one path of a filesystem at a site; {@code :path} is bound only for a path. */
    private static final String UPLOADED_OF_PATH = "from SnapshotEntity where site = :site and filesystem = :filesystem"
            + " and state = 'UPLOADED' and ";

    private final Transactions transactions;

    public SnapshotCatalogue(Transactions transactions) {
        this.transactions = transactions;
    }

    /**
     * Whether an event was applied already. Checked before the heavy work, so a redelivered request costs one
     * query; the inbox insert in the final transaction stays the guarantee.
     */
    public Uni<Boolean> alreadyApplied(String ceId) {
        return transactions.inSession(session -> session
                .createNativeQuery("SELECT 1 FROM inbox WHERE ce_id = :id", Integer.class)
                .setParameter("id", ceId)
                .getResultList())
                .map(rows -> !rows.isEmpty());
    }

    /** The snapshot with this id, if it was uploaded. */
    public Uni<Optional<Uploaded>> findUploaded(String snapshotId) {
        return transactions.inSession(session -> findUploaded(session, snapshotId));
    }

    public Uni<Optional<Uploaded>> findUploaded(Mutiny.Session session, String snapshotId) {
        return session.createQuery("from SnapshotEntity where snapshotId = :id and state = 'UPLOADED'",
                SnapshotEntity.class)
                .setParameter("id", snapshotId)
                .getResultList()
                .map(found -> found.stream().findFirst().map(SnapshotCatalogue::uploaded));
    }

    /**
     * The latest uploaded snapshot of this path of a filesystem at a site: the parent of the next one. Another path
     * of the same filesystem is not a parent, its manifest names other entries.
     */
    public Uni<Optional<Uploaded>> findLatestUploaded(String site, String filesystem, String path) {
        return transactions.inSession(session -> ofPath(session, UPLOADED_OF_PATH, SnapshotEntity.class, site,
                filesystem, path, " order by createdAt desc, snapshotId desc")
                .setMaxResults(1)
                .getResultList())
                .map(found -> found.stream().findFirst().map(SnapshotCatalogue::uploaded));
    }

    /**
     * Records an uploaded snapshot, replacing an earlier failure with the same id.
     *
     * @return false when the id was uploaded already (a concurrent request won), which then must be answered from
     *         the table
     */
    public Uni<Boolean> recordUploaded(Mutiny.Session session, SnapshotRequested request, SnapshotResult result,
            String traceparent) {
        return session.createNativeQuery("INSERT INTO snapshots (snapshot_id, site, filesystem, path, burst_id, state,"
                + " locator, files, bytes, bytes_scanned, bytes_uploaded, chunks_new, chunks_reused, duration_ms,"
                + " traceparent) VALUES (:id, :site, :filesystem, :path, :burst, 'UPLOADED', :locator, :files, :bytes,"
                + " :scanned, :uploaded, :chunksNew, :chunksReused, :duration, :traceparent)"
                + " ON CONFLICT (snapshot_id) DO UPDATE SET site = EXCLUDED.site, filesystem = EXCLUDED.filesystem,"
                + " path = EXCLUDED.path, burst_id = EXCLUDED.burst_id, state = 'UPLOADED',"
                + " locator = EXCLUDED.locator, files = EXCLUDED.files, bytes = EXCLUDED.bytes,"
                + " bytes_scanned = EXCLUDED.bytes_scanned, bytes_uploaded = EXCLUDED.bytes_uploaded,"
                + " chunks_new = EXCLUDED.chunks_new, chunks_reused = EXCLUDED.chunks_reused,"
                + " duration_ms = EXCLUDED.duration_ms, reason = NULL, traceparent = EXCLUDED.traceparent,"
                + " updated_at = now() WHERE snapshots.state <> 'UPLOADED'")
                .setParameter("id", request.snapshotId())
                .setParameter("site", request.site())
                .setParameter("filesystem", request.filesystem())
                .setParameter("path", request.path())
                .setParameter("burst", request.burstId())
                .setParameter("locator", result.locator())
                .setParameter("files", result.manifest().files())
                .setParameter("bytes", result.manifest().bytes())
                .setParameter("scanned", result.bytesScanned())
                .setParameter("uploaded", result.bytesUploaded())
                .setParameter("chunksNew", result.chunksNew())
                .setParameter("chunksReused", result.chunksReused())
                .setParameter("duration", result.durationMs())
                .setParameter("traceparent", traceparent)
                .executeUpdate()
                .map(rows -> rows == 1);
    }

    /** Records a failed snapshot; an id that was uploaded meanwhile keeps its upload. */
    public Uni<Void> recordFailed(Mutiny.Session session, SnapshotRequested request, String reason,
            String traceparent) {
        return session.createNativeQuery("INSERT INTO snapshots (snapshot_id, site, filesystem, path, burst_id, state,"
                + " reason, traceparent) VALUES (:id, :site, :filesystem, :path, :burst, 'FAILED', :reason,"
                + " :traceparent) ON CONFLICT (snapshot_id) DO UPDATE SET reason = EXCLUDED.reason,"
                + " burst_id = EXCLUDED.burst_id, traceparent = EXCLUDED.traceparent, updated_at = now()"
                + " WHERE snapshots.state = 'FAILED'")
                .setParameter("id", request.snapshotId())
                .setParameter("site", request.site())
                .setParameter("filesystem", request.filesystem())
                .setParameter("path", request.path())
                .setParameter("burst", request.burstId())
                .setParameter("reason", reason)
                .setParameter("traceparent", traceparent)
                .executeUpdate()
                .replaceWithVoid();
    }

    /** The state of a snapshot id ({@code UPLOADED}, {@code FAILED}, {@code DELETED}), empty when never recorded. */
    public Uni<Optional<String>> findState(String snapshotId) {
        return transactions.inSession(session -> session
                .createQuery("select state from SnapshotEntity where snapshotId = :id", String.class)
                .setParameter("id", snapshotId)
                .getResultList())
                .map(states -> states.stream().findFirst());
    }

    /** Every uploaded snapshot of every site and filesystem: its locator by snapshot id (what a check must find). */
    public Uni<Map<String, String>> uploadedLocators() {
        return transactions.inSession(session -> session
                .createQuery("select snapshotId, locator from SnapshotEntity where state = 'UPLOADED'", Object[].class)
                .getResultList())
                .map(rows -> {
                    Map<String, String> locators = new TreeMap<>();
                    rows.forEach(row -> locators.put((String) row[0], (String) row[1]));
                    return locators;
                });
    }

    /** Every uploaded snapshot of this path of a filesystem at a site, with when it was recorded: what a policy rules. */
    public Uni<List<Recorded>> listUploaded(String site, String filesystem, String path) {
        return transactions.inSession(session -> ofPath(session, UPLOADED_OF_PATH, SnapshotEntity.class, site,
                filesystem, path, " order by createdAt desc, snapshotId desc")
                .getResultList())
                .map(found -> found.stream()
                        .map(entity -> new Recorded(uploaded(entity), entity.createdAt.toInstant()))
                        .toList());
    }

    /**
     * Marks an uploaded snapshot deleted, keeping its row as history.
     *
     * @return false when it was not uploaded (deleted already by a concurrent request): nothing to announce
     */
    public Uni<Boolean> markDeleted(Mutiny.Session session, String snapshotId, String reason) {
        return session.createNativeQuery("UPDATE snapshots SET state = 'DELETED', deleted_at = now(),"
                + " delete_reason = :reason, updated_at = now() WHERE snapshot_id = :id AND state = 'UPLOADED'")
                .setParameter("id", snapshotId)
                .setParameter("reason", reason)
                .executeUpdate()
                .map(rows -> rows == 1);
    }

    /**
     * Decides, for one policy, whether a periodic snapshot is to be requested: serialized per policy across replicas
     * by a transaction-scoped advisory lock.
     *
     * @return when the latest uploaded snapshot of the path was recorded (empty: none), and whether a periodic
     *         snapshot of the policy requested within {@code pendingTimeout} has no outcome yet
     */
    public Uni<ScheduleState> lockScheduleState(Mutiny.Session session, String policy, String site, String filesystem,
            String path, Duration pendingTimeout) {
        return session.createNativeQuery("SELECT 1 FROM pg_advisory_xact_lock(hashtext(:key))", Integer.class)
                .setParameter("key", "schedule " + policy)
                .getSingleResult()
                .chain(() -> ofPath(session, "select max(createdAt) " + UPLOADED_OF_PATH, OffsetDateTime.class, site,
                        filesystem, path, "")
                        .getSingleResultOrNull())
                .chain(latest -> session.createNativeQuery("SELECT 1 FROM scheduled_snapshots s"
                        + " WHERE s.policy = :policy AND s.requested_at > now() - make_interval(secs => :seconds)"
                        + " AND NOT EXISTS (SELECT 1 FROM snapshots WHERE snapshot_id = s.snapshot_id)", Integer.class)
                        .setParameter("policy", policy)
                        .setParameter("seconds", pendingTimeout.toMillis() / 1000.0)
                        .getResultList()
                        .map(pending -> new ScheduleState(
                                latest == null ? Optional.empty() : Optional.of(latest.toInstant()),
                                !pending.isEmpty())));
    }

    /** Records a periodic snapshot as requested; false when this id was requested already (another replica). */
    public Uni<Boolean> recordScheduled(Mutiny.Session session, String policy, String snapshotId) {
        return session.createNativeQuery("INSERT INTO scheduled_snapshots (snapshot_id, policy) VALUES (:id, :policy)"
                + " ON CONFLICT (snapshot_id) DO NOTHING")
                .setParameter("id", snapshotId)
                .setParameter("policy", policy)
                .executeUpdate()
                .map(rows -> rows == 1);
    }

    /**
     * A query over one path of a filesystem: the whole filesystem's snapshots (no path) are those recorded with a
     * null or empty path; {@code hql} ends where the path condition goes, {@code rest} follows it.
     */
    private static <T> Mutiny.SelectionQuery<T> ofPath(Mutiny.Session session, String hql, Class<T> type, String site,
            String filesystem, String path, String rest) {
        boolean whole = path == null || path.isEmpty();
        Mutiny.SelectionQuery<T> query = session
                .createQuery(hql + (whole ? "(path is null or path = '')" : "path = :path") + rest, type)
                .setParameter("site", site)
                .setParameter("filesystem", filesystem);
        return whole ? query : query.setParameter("path", path);
    }

    private static Uploaded uploaded(SnapshotEntity row) {
        return new Uploaded(row.snapshotId, row.site, row.filesystem, row.locator, row.files, row.bytes,
                row.bytesScanned, row.bytesUploaded, row.chunksNew, row.chunksReused, row.durationMs);
    }

    /** An uploaded snapshot as recorded. */
    public record Uploaded(String snapshotId, String site, String filesystem, String locator, long files, long bytes,
            long bytesScanned, long bytesUploaded, long chunksNew, long chunksReused, long durationMs) {
    }

    /** An uploaded snapshot and when the catalogue recorded it. */
    public record Recorded(Uploaded snapshot, Instant createdAt) {
    }

    /** What a policy's periodic schedule depends on. */
    public record ScheduleState(Optional<Instant> latest, boolean pending) {
    }
}
