package io.spillway.snapshot.persistence;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;
import io.spillway.kit.Transactions;

/**
 * Reader/writer leases on the chunk store in table {@code snapshot_leases}: any number of SHARED leases (snapshots,
 * restores) or one EXCLUSIVE lease (garbage collection). Every change locks the table first, so two workers never
 * both see it free; expired leases are dropped on the way. Native SQL through Hibernate Reactive: the table lock and
 * the conditional insert are what the leases are.
 */
@ApplicationScoped
public class SnapshotLeases {

    private final Transactions transactions;

    public SnapshotLeases(Transactions transactions) {
        this.transactions = transactions;
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
        return transactions.inTransaction(session -> lock(session)
                .chain(() -> session.createNativeQuery("DELETE FROM snapshot_leases WHERE expires_at < now()")
                        .executeUpdate())
                .chain(() -> session.createNativeQuery("INSERT INTO snapshot_leases (holder, mode, purpose, locator,"
                        + " expires_at) SELECT :holder, :mode, :purpose, :locator, now() + make_interval(secs => :ttl)"
                        + " WHERE NOT EXISTS (" + conflicting + ")")
                        .setParameter("holder", holder)
                        .setParameter("mode", mode)
                        .setParameter("purpose", purpose)
                        .setParameter("locator", locator)
                        .setParameter("ttl", seconds(ttl))
                        .executeUpdate())
                .map(rows -> rows == 1));
    }

    /** Extends the leases of these holders by {@code ttl} from now; a lease that expired meanwhile stays gone. */
    public Uni<Void> renew(Collection<String> holders, Duration ttl) {
        if (holders.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return transactions.inTransaction(session -> session.createNativeQuery("UPDATE snapshot_leases"
                + " SET expires_at = now() + make_interval(secs => :ttl) WHERE holder IN (:holders)"
                + " AND expires_at >= now()")
                .setParameter("ttl", seconds(ttl))
                .setParameter("holders", List.copyOf(holders))
                .executeUpdate())
                .replaceWithVoid();
    }

    public Uni<Void> release(String holder) {
        return transactions.inTransaction(session -> session
                .createNativeQuery("DELETE FROM snapshot_leases WHERE holder = :holder")
                .setParameter("holder", holder)
                .executeUpdate())
                .replaceWithVoid();
    }

    /** The manifests that restores are reading now, under unexpired leases. */
    public Uni<Set<String>> locatorsInUse() {
        return transactions.inSession(session -> session.createNativeQuery("SELECT locator FROM snapshot_leases"
                + " WHERE locator IS NOT NULL AND expires_at >= now()", String.class)
                .getResultList())
                .map(Set::copyOf);
    }

    /** Self-conflicting, so lease changes queue behind each other; plain reads are not blocked. */
    private static Uni<Integer> lock(Mutiny.Session session) {
        return session.createNativeQuery("LOCK TABLE snapshot_leases IN SHARE ROW EXCLUSIVE MODE").executeUpdate();
    }

    private static double seconds(Duration ttl) {
        return ttl.toMillis() / 1000.0;
    }
}
