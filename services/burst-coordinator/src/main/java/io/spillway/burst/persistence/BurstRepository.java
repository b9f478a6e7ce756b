package io.spillway.burst.persistence;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.spillway.burst.domain.Burst;
import io.spillway.burst.domain.BurstSnapshot;
import io.spillway.burst.domain.BurstState;
import io.spillway.burst.domain.SnapshotState;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** Bursts and their snapshots, in tables {@code bursts} and {@code burst_snapshots}. */
@ApplicationScoped
public class BurstRepository {

    private static final String COLUMNS = "burst_id, home_site, burst_site, state, candidate_job_ids, filesystems,"
            + " signals, opened_at, failure_reason";

    private final PgPool pool;

    public BurstRepository(PgPool pool) {
        this.pool = pool;
    }

    /** The open burst of a home site, locked for the rest of the transaction. */
    public Uni<Optional<Burst>> findOpenForUpdate(SqlClient tx, String homeSite) {
        return tx.preparedQuery("SELECT " + COLUMNS + " FROM bursts WHERE home_site = $1 AND open FOR UPDATE")
                .execute(Tuple.of(homeSite))
                .chain(rows -> withSnapshots(tx, rows))
                .map(bursts -> bursts.stream().findFirst());
    }

    /** A burst by id, locked for the rest of the transaction. */
    public Uni<Optional<Burst>> findForUpdate(SqlClient tx, String burstId) {
        return tx.preparedQuery("SELECT " + COLUMNS + " FROM bursts WHERE burst_id = $1 FOR UPDATE")
                .execute(Tuple.of(burstId))
                .chain(rows -> withSnapshots(tx, rows))
                .map(bursts -> bursts.stream().findFirst());
    }

    /** Every burst, newest first; only those of {@code homeSite} when it is given. */
    public Uni<List<Burst>> list(Optional<String> homeSite) {
        String where = homeSite.isPresent() ? " WHERE home_site = $1" : "";
        Tuple arguments = homeSite.map(Tuple::of).orElseGet(Tuple::tuple);
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM bursts" + where + " ORDER BY opened_at DESC, burst_id")
                .execute(arguments)
                .chain(rows -> withSnapshots(pool, rows));
    }

    /** Stores a new burst with its snapshots. */
    public Uni<Void> insert(SqlClient tx, Burst burst, String traceparent) {
        return tx.preparedQuery("INSERT INTO bursts (burst_id, home_site, burst_site, state, open, candidate_job_ids,"
                + " filesystems, signals, failure_reason, traceparent, opened_at)"
                + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
                .execute(Tuple.from(new Object[] { burst.burstId(), burst.homeSite(), burst.burstSite(),
                        burst.state().name(), burst.open(), burst.candidateJobIds().toArray(new String[0]),
                        burst.filesystems().toArray(new String[0]), burst.signals(), burst.failureReason(),
                        traceparent, burst.openedAt().atOffset(ZoneOffset.UTC) }))
                .chain(() -> saveSnapshots(tx, burst));
    }

    /** Stores the new state of an existing burst. */
    public Uni<Void> update(SqlClient tx, Burst burst) {
        return tx.preparedQuery("UPDATE bursts SET state = $2, open = $3, candidate_job_ids = $4, filesystems = $5,"
                + " signals = $6, failure_reason = $7, updated_at = now() WHERE burst_id = $1")
                .execute(Tuple.from(new Object[] { burst.burstId(), burst.state().name(), burst.open(),
                        burst.candidateJobIds().toArray(new String[0]), burst.filesystems().toArray(new String[0]),
                        burst.signals(), burst.failureReason() }))
                .chain(() -> saveSnapshots(tx, burst));
    }

    private Uni<Void> saveSnapshots(SqlClient tx, Burst burst) {
        if (burst.snapshots().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> rows = new ArrayList<>();
        for (BurstSnapshot snapshot : burst.snapshots()) {
            rows.add(Tuple.from(new Object[] { burst.burstId(), snapshot.filesystem(), snapshot.snapshotId(),
                    snapshot.state().name(), snapshot.locator(), snapshot.reason() }));
        }
        return tx.preparedQuery("INSERT INTO burst_snapshots (burst_id, filesystem, snapshot_id, state, locator,"
                + " reason) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (burst_id, filesystem) DO UPDATE SET"
                + " snapshot_id = EXCLUDED.snapshot_id, state = EXCLUDED.state, locator = EXCLUDED.locator,"
                + " reason = EXCLUDED.reason, updated_at = now()")
                .executeBatch(rows)
                .replaceWithVoid();
    }

    private Uni<List<Burst>> withSnapshots(SqlClient client, RowSet<Row> rows) {
        Map<String, Row> byId = new LinkedHashMap<>();
        rows.forEach(row -> byId.put(row.getString("burst_id"), row));
        if (byId.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return client.preparedQuery("SELECT burst_id, filesystem, snapshot_id, state, locator, reason"
                + " FROM burst_snapshots WHERE burst_id = ANY($1) ORDER BY filesystem")
                .execute(Tuple.of(byId.keySet().toArray(new String[0])))
                .map(snapshotRows -> {
                    Map<String, List<BurstSnapshot>> snapshots = new LinkedHashMap<>();
                    for (Row row : snapshotRows) {
                        snapshots.computeIfAbsent(row.getString("burst_id"), id -> new ArrayList<>())
                                .add(new BurstSnapshot(row.getString("filesystem"), row.getString("snapshot_id"),
                                        SnapshotState.valueOf(row.getString("state")), row.getString("locator"),
                                        row.getString("reason")));
                    }
                    List<Burst> bursts = new ArrayList<>();
                    byId.forEach((id, row) -> bursts.add(burst(row, snapshots.getOrDefault(id, List.of()))));
                    return bursts;
                });
    }

    private static Burst burst(Row row, List<BurstSnapshot> snapshots) {
        return new Burst(row.getString("burst_id"), row.getString("home_site"), row.getString("burst_site"),
                BurstState.valueOf(row.getString("state")),
                Arrays.asList(row.getArrayOfStrings("candidate_job_ids")),
                Arrays.asList(row.getArrayOfStrings("filesystems")), snapshots, row.getInteger("signals"),
                row.getOffsetDateTime("opened_at").toInstant(), row.getString("failure_reason"));
    }
}
