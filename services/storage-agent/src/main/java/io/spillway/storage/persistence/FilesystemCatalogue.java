package io.spillway.storage.persistence;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
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

    /** Every catalogued filesystem, by name. */
    public Uni<List<Entry>> list() {
        return pool.query("SELECT name, path, created_at FROM filesystems ORDER BY name").execute()
                .map(rows -> {
                    List<Entry> entries = new ArrayList<>();
                    for (Row row : rows) {
                        entries.add(new Entry(row.getString("name"), Path.of(row.getString("path")),
                                row.getOffsetDateTime("created_at")));
                    }
                    return entries;
                });
    }

    /** One catalogued filesystem. */
    public record Entry(String name, Path path, OffsetDateTime createdAt) {
    }
}
