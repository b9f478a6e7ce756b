package io.spillway.snapshot.persistence;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Reader/writer leases on the chunk store in table {@code snapshot_leases}: any number of SHARED leases (snapshots,
 * restores) or one EXCLUSIVE lease (garbage collection). Every change locks the table first, so two workers never
 * both see it free; expired leases are dropped on the way.
 */
@ApplicationScoped
public class SnapshotLeases {

    private final PgPool pool;

    public SnapshotLeases(PgPool pool) {
        this.pool = pool;
    }

    /**
     * Takes a shared lease unless an exclusive one is held.
     *
     * @param locator the manifest a restore reads, which retention must not forget meanwhile; null for a snapshot
     * @return whether it was taken
     */
    public Uni<Boolean> tryShared(String holder, String purpose, String locator, Duration ttl) {
        return acquire(holder, "SHARED", purpose, locator, ttl, "SELECT 1 FROM snapshot_leases WHERE mode = 'EXCLUSIVE'");
    }

    /** Takes the exclusive lease when no lease at all is held. */
    public Uni<Boolean> tryExclusive(String holder, String purpose, Duration ttl) {
        return acquire(holder, "EXCLUSIVE", purpose, null, ttl, "SELECT 1 FROM snapshot_leases");
    }

    private Uni<Boolean> acquire(String holder, String mode, String purpose, String locator, Duration ttl,
            String conflicting) {
        return pool.withTransaction(tx -> lock(tx)
                .chain(() -> tx.query("DELETE FROM snapshot_leases WHERE expires_at < now()").execute())
                .chain(() -> tx.preparedQuery("INSERT INTO snapshot_leases (holder, mode, purpose, locator, expires_at)"
                        + " SELECT $1, $2, $3, $4, now() + make_interval(secs => $5) WHERE NOT EXISTS (" + conflicting
                        + ")").execute(Tuple.of(holder, mode, purpose, locator, seconds(ttl))))
                .map(rows -> rows.rowCount() == 1));
    }

    /** Extends the leases of these holders by {@code ttl} from now; a lease that expired meanwhile stays gone. */
    public Uni<Void> renew(Collection<String> holders, Duration ttl) {
        if (holders.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery("UPDATE snapshot_leases SET expires_at = now() + make_interval(secs => $2)"
                + " WHERE holder = ANY($1) AND expires_at >= now()")
                .execute(Tuple.of(holders.toArray(String[]::new), seconds(ttl))).replaceWithVoid();
    }

    public Uni<Void> release(String holder) {
        return pool.preparedQuery("DELETE FROM snapshot_leases WHERE holder = $1").execute(Tuple.of(holder))
                .replaceWithVoid();
    }

    /** The manifests that restores are reading now, under unexpired leases. */
    public Uni<Set<String>> locatorsInUse() {
        return pool.query("SELECT locator FROM snapshot_leases WHERE locator IS NOT NULL AND expires_at >= now()")
                .execute().map(rows -> {
                    Set<String> locators = new HashSet<>();
                    for (Row row : rows) {
                        locators.add(row.getString("locator"));
                    }
                    return locators;
                });
    }

    /** Self-conflicting, so lease changes queue behind each other; plain reads are not blocked. */
    private static Uni<Void> lock(SqlClient tx) {
        return tx.query("LOCK TABLE snapshot_leases IN SHARE ROW EXCLUSIVE MODE").execute().replaceWithVoid();
    }

    private static double seconds(Duration ttl) {
        return ttl.toMillis() / 1000.0;
    }
}
