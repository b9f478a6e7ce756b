package io.spillway.storage.persistence;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;
import io.spillway.kit.NativeRows;
import io.spillway.kit.Transactions;

/** The site's catalogue of filesystems, in table {@code filesystems} of the site's schema. */
@ApplicationScoped
public class FilesystemCatalogue {

    private static final String SELECT_ENTRIES = "SELECT f.name, f.path, f.created_at,"
            + " count(DISTINCT m.job_id) AS mounted_by FROM filesystems f LEFT JOIN mounts m ON m.filesystem = f.name";

    private final Transactions transactions;

    public FilesystemCatalogue(Transactions transactions) {
        this.transactions = transactions;
    }

    /** Records a filesystem, or refreshes its path and last request when it is already known. */
    public Uni<Void> record(Mutiny.Session session, String name, Path path, String requestId) {
        return session.createNativeQuery("INSERT INTO filesystems (name, path, request_id)"
                + " VALUES (:name, :path, :request) ON CONFLICT (name) DO UPDATE SET path = EXCLUDED.path,"
                + " request_id = EXCLUDED.request_id, updated_at = now()")
                .setParameter("name", name).setParameter("path", path.toString()).setParameter("request", requestId)
                .executeUpdate()
                .replaceWithVoid();
    }

    /** Records a new filesystem; false when one of that name is catalogued already. */
    public Uni<Boolean> create(String name, Path path, String requestId) {
        return transactions.inTransaction(session -> session.createNativeQuery("INSERT INTO filesystems (name, path,"
                + " request_id) VALUES (:name, :path, :request) ON CONFLICT (name) DO NOTHING")
                .setParameter("name", name).setParameter("path", path.toString()).setParameter("request", requestId)
                .executeUpdate())
                .map(inserted -> inserted == 1);
    }

    /** Every catalogued filesystem, by name, with the number of jobs holding a mount of it. */
    public Uni<List<Entry>> list() {
        return transactions.inSession(session -> session
                .createNativeQuery(SELECT_ENTRIES + " GROUP BY f.name ORDER BY f.name", Object[].class)
                .getResultList())
                .map(FilesystemCatalogue::entries);
    }

    /** One catalogued filesystem. */
    public Uni<Optional<Entry>> find(String name) {
        return transactions.inSession(session -> session
                .createNativeQuery(SELECT_ENTRIES + " WHERE f.name = :name GROUP BY f.name", Object[].class)
                .setParameter("name", name)
                .getResultList())
                .map(rows -> entries(rows).stream().findFirst());
    }

    /**
     * Deletes a filesystem unless a job holds a mount of it, in one transaction that locks its row, so a mount
     * cannot slip in between the check and the delete. {@code removeData} (blocking, run on a worker thread) runs
     * before the row goes: when it fails the filesystem stays catalogued and can be deleted again.
     *
     * @return the number of jobs holding mounts (nothing was deleted when it is not 0), empty when it is unknown
     */
    public Uni<Optional<Integer>> deleteUnlessMounted(String name, Consumer<Path> removeData) {
        return transactions.inTransaction(session -> session
                .createNativeQuery("SELECT path FROM filesystems WHERE name = :name FOR UPDATE", String.class)
                .setParameter("name", name)
                .getResultList()
                .chain(found -> {
                    if (found.isEmpty()) {
                        return Uni.createFrom().item(Optional.<Integer> empty());
                    }
                    Path path = Path.of(found.get(0));
                    return session.createNativeQuery("SELECT count(DISTINCT job_id) FROM mounts"
                            + " WHERE filesystem = :name", Long.class)
                            .setParameter("name", name)
                            .getSingleResult()
                            .chain(jobs -> {
                                if (jobs > 0) {
                                    return Uni.createFrom().item(Optional.of(jobs.intValue()));
                                }
                                return transactions.blocking(() -> {
                                    removeData.accept(path);
                                    return path;
                                })
                                        .chain(() -> session.createNativeQuery("DELETE FROM filesystems"
                                                + " WHERE name = :name").setParameter("name", name).executeUpdate())
                                        .map(deleted -> Optional.of(0));
                            });
                }));
    }

    private static List<Entry> entries(List<Object[]> rows) {
        List<Entry> entries = new ArrayList<>();
        for (Object[] row : rows) {
            entries.add(new Entry((String) row[0], Path.of((String) row[1]), NativeRows.time(row[2]),
                    (int) NativeRows.count(row[3])));
        }
        return entries;
    }

    /** One catalogued filesystem and how many jobs hold a mount of it. */
    public record Entry(String name, Path path, OffsetDateTime createdAt, int mountedBy) {
    }
}
