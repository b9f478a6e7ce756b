package io.spillway.storage.persistence;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.spillway.storage.domain.MountPlanner.Mount;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Tuple;

/** The mounts this agent handed to jobs and that are not released yet, in table {@code mounts}. */
@ApplicationScoped
public class MountCatalogue {

    private final PgPool pool;

    public MountCatalogue(PgPool pool) {
        this.pool = pool;
    }

    /**
     * Records a mount; asking again for the same job and sub-path is the same mount. Locks the filesystem's row
     * against a concurrent delete.
     *
     * @return false when the filesystem is not (or no longer) catalogued
     */
    public Uni<Boolean> record(Mount mount) {
        return pool.withTransaction(tx -> tx.preparedQuery("SELECT 1 FROM filesystems WHERE name = $1 FOR SHARE")
                .execute(Tuple.of(mount.filesystem().value()))
                .chain(found -> {
                    if (found.rowCount() == 0) {
                        return Uni.createFrom().item(false);
                    }
                    return tx.preparedQuery("INSERT INTO mounts (filesystem, job_id, sub_path, read_only, host_path)"
                            + " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (filesystem, job_id, sub_path)"
                            + " DO UPDATE SET read_only = EXCLUDED.read_only, host_path = EXCLUDED.host_path")
                            .execute(Tuple.of(mount.filesystem().value(), mount.jobId(), mount.subPath(),
                                    mount.readOnly(), mount.hostPath().toString()))
                            .map(rows -> true);
                }));
    }

    /** Releases every mount {@code jobId} holds of {@code filesystem}; false when it held none. */
    public Uni<Boolean> release(String filesystem, String jobId) {
        return pool.preparedQuery("DELETE FROM mounts WHERE filesystem = $1 AND job_id = $2")
                .execute(Tuple.of(filesystem, jobId))
                .map(rows -> rows.rowCount() > 0);
    }
}
