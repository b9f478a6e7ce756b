package io.spillway.storage.persistence;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.spillway.kit.Transactions;
import io.spillway.storage.domain.MountPlanner.Mount;

/** The mounts this agent handed to jobs and that are not released yet, in table {@code mounts}. */
@ApplicationScoped
public class MountCatalogue {

    private final Transactions transactions;

    public MountCatalogue(Transactions transactions) {
        this.transactions = transactions;
    }

    /**
     * Records a mount; asking again for the same job and sub-path is the same mount. Locks the filesystem's row
     * against a concurrent delete.
     *
     * @return false when the filesystem is not (or no longer) catalogued
     */
    public Uni<Boolean> record(Mount mount) {
        return transactions.inTransaction(session -> session
                .createNativeQuery("SELECT 1 FROM filesystems WHERE name = :name FOR SHARE", Integer.class)
                .setParameter("name", mount.filesystem().value())
                .getResultList()
                .chain(found -> {
                    if (found.isEmpty()) {
                        return Uni.createFrom().item(false);
                    }
                    return session.createNativeQuery("INSERT INTO mounts (filesystem, job_id, sub_path, read_only,"
                            + " host_path) VALUES (:filesystem, :job, :subPath, :readOnly, :hostPath)"
                            + " ON CONFLICT (filesystem, job_id, sub_path)"
                            + " DO UPDATE SET read_only = EXCLUDED.read_only, host_path = EXCLUDED.host_path")
                            .setParameter("filesystem", mount.filesystem().value())
                            .setParameter("job", mount.jobId())
                            .setParameter("subPath", mount.subPath())
                            .setParameter("readOnly", mount.readOnly())
                            .setParameter("hostPath", mount.hostPath().toString())
                            .executeUpdate()
                            .replaceWith(true);
                }));
    }

    /** Releases every mount {@code jobId} holds of {@code filesystem}; false when it held none. */
    public Uni<Boolean> release(String filesystem, String jobId) {
        return transactions.inTransaction(session -> session
                .createNativeQuery("DELETE FROM mounts WHERE filesystem = :filesystem AND job_id = :job")
                .setParameter("filesystem", filesystem)
                .setParameter("job", jobId)
                .executeUpdate())
                .map(deleted -> deleted > 0);
    }
}
