package io.spillway.snapshot.persistence;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.spillway.schemas.StorageEvent.SnapshotRequested;
import io.spillway.snapshot.domain.SnapshotResult;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** The catalogue of snapshots taken, in table {@code snapshots}. */
@ApplicationScoped
public class SnapshotCatalogue {

    private final PgPool pool;

    public SnapshotCatalogue(PgPool pool) {
        this.pool = pool;
    }

    /**
     * Whether an event was applied already. Checked before the heavy work, so a redelivered request costs one
     * query; the inbox insert in the final transaction stays the guarantee.
     */
    public Uni<Boolean> alreadyApplied(String ceId) {
        return pool.preparedQuery("SELECT 1 FROM inbox WHERE ce_id = $1").execute(Tuple.of(ceId))
                .map(rows -> rows.size() > 0);
    }

    /** The snapshot with this id, if it was uploaded. */
    public Uni<Optional<Uploaded>> findUploaded(String snapshotId) {
        return findUploaded(pool, snapshotId);
    }

    public Uni<Optional<Uploaded>> findUploaded(SqlClient client, String snapshotId) {
        return client.preparedQuery("SELECT * FROM snapshots WHERE snapshot_id = $1 AND state = 'UPLOADED'")
                .execute(Tuple.of(snapshotId))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(uploaded(rows.iterator().next())));
    }

    /**
     * The latest uploaded snapshot of this path of a filesystem at a site: the parent of the next one. Another path
     * of the same filesystem is not a parent, its manifest names other entries.
     */
    public Uni<Optional<Uploaded>> findLatestUploaded(String site, String filesystem, String path) {
        String samePath = path == null || path.isEmpty() ? "(path IS NULL OR path = '')" : "path = $3";
        Tuple arguments = path == null || path.isEmpty() ? Tuple.of(site, filesystem) : Tuple.of(site, filesystem, path);
        return pool.preparedQuery("SELECT * FROM snapshots WHERE site = $1 AND filesystem = $2 AND " + samePath
                + " AND state = 'UPLOADED' ORDER BY created_at DESC, snapshot_id DESC LIMIT 1")
                .execute(arguments)
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(uploaded(rows.iterator().next())));
    }

    /**
     * Records an uploaded snapshot, replacing an earlier failure with the same id.
     *
     * @return false when the id was uploaded already (a concurrent request won), which then must be answered from
     *         the table
     */
    public Uni<Boolean> recordUploaded(SqlClient tx, SnapshotRequested request, SnapshotResult result,
            String traceparent) {
        return tx.preparedQuery("INSERT INTO snapshots (snapshot_id, site, filesystem, path, burst_id, state, locator,"
                + " files, bytes, bytes_scanned, bytes_uploaded, chunks_new, chunks_reused, duration_ms, traceparent)"
                + " VALUES ($1, $2, $3, $4, $5, 'UPLOADED', $6, $7, $8, $9, $10, $11, $12, $13, $14)"
                + " ON CONFLICT (snapshot_id) DO UPDATE SET site = EXCLUDED.site, filesystem = EXCLUDED.filesystem,"
                + " path = EXCLUDED.path, burst_id = EXCLUDED.burst_id, state = 'UPLOADED',"
                + " locator = EXCLUDED.locator, files = EXCLUDED.files, bytes = EXCLUDED.bytes,"
                + " bytes_scanned = EXCLUDED.bytes_scanned, bytes_uploaded = EXCLUDED.bytes_uploaded,"
                + " chunks_new = EXCLUDED.chunks_new, chunks_reused = EXCLUDED.chunks_reused,"
                + " duration_ms = EXCLUDED.duration_ms, reason = NULL, traceparent = EXCLUDED.traceparent,"
                + " updated_at = now() WHERE snapshots.state <> 'UPLOADED'")
                .execute(Tuple.from(new Object[] { request.snapshotId(), request.site(), request.filesystem(),
                        request.path(), request.burstId(), result.locator(), result.manifest().files(),
                        result.manifest().bytes(), result.bytesScanned(), result.bytesUploaded(), result.chunksNew(),
                        result.chunksReused(), result.durationMs(), traceparent }))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Records a failed snapshot; an id that was uploaded meanwhile keeps its upload. */
    public Uni<Void> recordFailed(SqlClient tx, SnapshotRequested request, String reason, String traceparent) {
        return tx.preparedQuery("INSERT INTO snapshots (snapshot_id, site, filesystem, path, burst_id, state, reason,"
                + " traceparent) VALUES ($1, $2, $3, $4, $5, 'FAILED', $6, $7)"
                + " ON CONFLICT (snapshot_id) DO UPDATE SET reason = EXCLUDED.reason, burst_id = EXCLUDED.burst_id,"
                + " traceparent = EXCLUDED.traceparent, updated_at = now() WHERE snapshots.state = 'FAILED'")
                .execute(Tuple.from(new Object[] { request.snapshotId(), request.site(), request.filesystem(),
                        request.path(), request.burstId(), reason, traceparent }))
                .replaceWithVoid();
    }

    /** The state of a snapshot id ({@code UPLOADED}, {@code FAILED}, {@code DELETED}), empty when never recorded. */
    public Uni<Optional<String>> findState(String snapshotId) {
        return pool.preparedQuery("SELECT state FROM snapshots WHERE snapshot_id = $1").execute(Tuple.of(snapshotId))
                .map(rows -> rows.size() == 0 ? Optional.empty()
                        : Optional.of(rows.iterator().next().getString("state")));
    }

    /** Every uploaded snapshot of this path of a filesystem at a site, with when it was recorded: what a policy rules. */
    public Uni<List<Recorded>> listUploaded(String site, String filesystem, String path) {
        String samePath = path == null || path.isEmpty() ? "(path IS NULL OR path = '')" : "path = $3";
        Tuple arguments = path == null || path.isEmpty() ? Tuple.of(site, filesystem) : Tuple.of(site, filesystem, path);
        return pool.preparedQuery("SELECT * FROM snapshots WHERE site = $1 AND filesystem = $2 AND " + samePath
                + " AND state = 'UPLOADED' ORDER BY created_at DESC, snapshot_id DESC")
                .execute(arguments)
                .map(rows -> {
                    List<Recorded> recorded = new ArrayList<>();
                    for (Row row : rows) {
                        recorded.add(new Recorded(uploaded(row), row.getOffsetDateTime("created_at").toInstant()));
                    }
                    return recorded;
                });
    }

    /**
     * Marks an uploaded snapshot deleted, keeping its row as history.
     *
     * @return false when it was not uploaded (deleted already by a concurrent request): nothing to announce
     */
    public Uni<Boolean> markDeleted(SqlClient tx, String snapshotId, String reason) {
        return tx.preparedQuery("UPDATE snapshots SET state = 'DELETED', deleted_at = now(), delete_reason = $2,"
                + " updated_at = now() WHERE snapshot_id = $1 AND state = 'UPLOADED'")
                .execute(Tuple.of(snapshotId, reason)).map(rows -> rows.rowCount() == 1);
    }

    /**
     * Decides, for one policy, whether a periodic snapshot is to be requested: serialized per policy across replicas
     * by a transaction-scoped advisory lock.
     *
     * @return when the latest uploaded snapshot of the path was recorded (empty: none), and whether a periodic
     *         snapshot of the policy requested within {@code pendingTimeout} has no outcome yet
     */
    public Uni<ScheduleState> lockScheduleState(SqlClient tx, String policy, String site, String filesystem,
            String path, Duration pendingTimeout) {
        String samePath = path == null || path.isEmpty() ? "(path IS NULL OR path = '')" : "path = $3";
        Tuple arguments = path == null || path.isEmpty() ? Tuple.of(site, filesystem) : Tuple.of(site, filesystem, path);
        return tx.preparedQuery("SELECT pg_advisory_xact_lock(hashtext($1))").execute(Tuple.of("schedule " + policy))
                .chain(() -> tx.preparedQuery("SELECT max(created_at) AS latest FROM snapshots WHERE site = $1 AND"
                        + " filesystem = $2 AND " + samePath + " AND state = 'UPLOADED'")
                        .execute(arguments))
                .chain(latestRows -> {
                    var latest = latestRows.iterator().next().getOffsetDateTime("latest");
                    return tx.preparedQuery("SELECT 1 FROM scheduled_snapshots s WHERE s.policy = $1"
                            + " AND s.requested_at > now() - make_interval(secs => $2) AND NOT EXISTS"
                            + " (SELECT 1 FROM snapshots WHERE snapshot_id = s.snapshot_id)")
                            .execute(Tuple.of(policy, pendingTimeout.toMillis() / 1000.0))
                            .map(pending -> new ScheduleState(
                                    latest == null ? Optional.empty() : Optional.of(latest.toInstant()),
                                    pending.size() > 0));
                });
    }

    /** Records a periodic snapshot as requested; false when this id was requested already (another replica). */
    public Uni<Boolean> recordScheduled(SqlClient tx, String policy, String snapshotId) {
        return tx.preparedQuery("INSERT INTO scheduled_snapshots (snapshot_id, policy) VALUES ($1, $2)"
                + " ON CONFLICT (snapshot_id) DO NOTHING").execute(Tuple.of(snapshotId, policy))
                .map(rows -> rows.rowCount() == 1);
    }

    private static Uploaded uploaded(Row row) {
        return new Uploaded(row.getString("snapshot_id"), row.getString("site"), row.getString("filesystem"),
                row.getString("locator"), row.getLong("files"), row.getLong("bytes"), row.getLong("bytes_scanned"),
                row.getLong("bytes_uploaded"), row.getLong("chunks_new"), row.getLong("chunks_reused"),
                row.getLong("duration_ms"));
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
