package io.spillway.storage.persistence;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** The site's catalogue of filesystems, in table {@code filesystems} of the site's schema. */
@ApplicationScoped
public class FilesystemCatalogue {

    private final PgPool pool;

    public FilesystemCatalogue(PgPool pool) {
        this.pool = pool;
    }

    /** Records a filesystem, or refreshes its path and last request when it is already known. */
    public Uni<Void> record(SqlClient tx, String name, Path path, String requestId) {
        return tx.preparedQuery("INSERT INTO filesystems (name, path, request_id) VALUES ($1, $2, $3)"
                + " ON CONFLICT (name) DO UPDATE SET path = EXCLUDED.path, request_id = EXCLUDED.request_id,"
                + " updated_at = now()")
                .execute(Tuple.of(name, path.toString(), requestId))
                .replaceWithVoid();
    }

    /** Records a new filesystem; false when one of that name is catalogued already. */
    public Uni<Boolean> create(String name, Path path, String requestId) {
        return pool.preparedQuery("INSERT INTO filesystems (name, path, request_id) VALUES ($1, $2, $3)"
                + " ON CONFLICT (name) DO NOTHING")
                .execute(Tuple.of(name, path.toString(), requestId))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Every catalogued filesystem, by name, with the number of jobs holding a mount of it. */
    public Uni<List<Entry>> list() {
        return pool.query(SELECT_ENTRIES + " GROUP BY f.name ORDER BY f.name").execute().map(FilesystemCatalogue::entries);
    }

    /** One catalogued filesystem. */
    public Uni<Optional<Entry>> find(String name) {
        return pool.preparedQuery(SELECT_ENTRIES + " WHERE f.name = $1 GROUP BY f.name").execute(Tuple.of(name))
                .map(rows -> entries(rows).stream().findFirst());
    }

    /**
     * Deletes a filesystem unless a job holds a mount of it, in one transaction that locks its row, so a mount
     * cannot slip in between the check and the delete. {@code removeData} runs before the row goes: when it fails
     * the filesystem stays catalogued and can be deleted again.
     *
     * @return the number of jobs holding mounts (nothing was deleted when it is not 0), empty when it is unknown
     */
    public Uni<Optional<Integer>> deleteUnlessMounted(String name, Function<Path, Uni<Void>> removeData) {
        return pool.withTransaction(tx -> tx.preparedQuery("SELECT path FROM filesystems WHERE name = $1 FOR UPDATE")
                .execute(Tuple.of(name))
                .chain(found -> {
                    if (found.rowCount() == 0) {
                        return Uni.createFrom().item(Optional.<Integer> empty());
                    }
                    Path path = Path.of(found.iterator().next().getString("path"));
                    return tx.preparedQuery("SELECT count(DISTINCT job_id) AS jobs FROM mounts WHERE filesystem = $1")
                            .execute(Tuple.of(name))
                            .chain(counted -> {
                                int jobs = counted.iterator().next().getLong("jobs").intValue();
                                if (jobs > 0) {
                                    return Uni.createFrom().item(Optional.of(jobs));
                                }
                                return removeData.apply(path)
                                        .chain(() -> tx.preparedQuery("DELETE FROM filesystems WHERE name = $1")
                                                .execute(Tuple.of(name)))
                                        .map(deleted -> Optional.of(0));
                            });
                }));
    }

    private static List<Entry> entries(RowSet<Row> rows) {
        List<Entry> entries = new ArrayList<>();
        for (Row row : rows) {
            entries.add(new Entry(row.getString("name"), Path.of(row.getString("path")),
                    row.getOffsetDateTime("created_at"), row.getLong("mounted_by").intValue()));
        }
        return entries;
    }

    private static final String SELECT_ENTRIES = "SELECT f.name, f.path, f.created_at,"
            + " count(DISTINCT m.job_id) AS mounted_by FROM filesystems f LEFT JOIN mounts m ON m.filesystem = f.name";

    /** One catalogued filesystem and how many jobs hold a mount of it. */
    public record Entry(String name, Path path, OffsetDateTime createdAt, int mountedBy) {
    }
}
