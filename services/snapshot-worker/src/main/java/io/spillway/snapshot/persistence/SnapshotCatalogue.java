package io.spillway.snapshot.persistence;

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
}
