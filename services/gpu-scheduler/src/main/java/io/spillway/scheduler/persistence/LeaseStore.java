package io.spillway.scheduler.persistence;

import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;
import io.spillway.kit.NativeRows;
import io.spillway.scheduler.domain.LeaseLost;
import io.spillway.scheduler.domain.LeaseTerm;

/**
 * The site's scheduler lease on PostgreSQL ({@code scheduler_lease}, one row per site), always on the database's
 * clock: taking and renewing it, telling who holds it, and the fence every write of the leader passes first. Every
 * method runs inside the caller's transaction.
 */
@ApplicationScoped
public class LeaseStore {

    /**
     * Takes the site's lease for {@code holder}, or renews it, in one conditional statement: it changes the row only
     * when {@code holder} holds it already or it has expired, and a change of holder takes the next epoch.
     *
     * @return the term {@code holder} holds now; empty when another instance holds the lease
     */
    public Uni<Optional<LeaseTerm>> acquireOrRenew(Mutiny.Session session, String site, String holder, Duration ttl) {
        return session.createNativeQuery("INSERT INTO scheduler_lease AS l (site, holder, epoch, acquired_at,"
                + " renewed_at, expires_at) VALUES (:site, :holder, 1, clock_timestamp(), clock_timestamp(),"
                + " clock_timestamp() + make_interval(secs => CAST(:ttl AS double precision)))"
                + " ON CONFLICT (site) DO UPDATE SET"
                + " epoch = CASE WHEN l.holder = excluded.holder THEN l.epoch ELSE l.epoch + 1 END,"
                + " acquired_at = CASE WHEN l.holder = excluded.holder THEN l.acquired_at ELSE excluded.acquired_at END,"
                + " holder = excluded.holder, renewed_at = excluded.renewed_at, expires_at = excluded.expires_at"
                + " WHERE l.holder = excluded.holder OR l.expires_at < clock_timestamp()")
                .setParameter("site", site).setParameter("holder", holder)
                .setParameter("ttl", ttl.toMillis() / 1000.0)
                .executeUpdate()
                // The row is ours and locked when the statement changed it; otherwise it is another's.
                .chain(changed -> changed == 0 ? Uni.createFrom().item(Optional.<LeaseTerm> empty())
                        : current(session, site));
    }

    /** Who holds the site's lease now: empty when nobody does or the lease has expired. */
    public Uni<Optional<LeaseTerm>> holder(Mutiny.Session session, String site) {
        return current(session, site);
    }

    /**
     * The fence: fails with {@link LeaseLost}, and so rolls the caller's transaction back, unless {@code term} still
     * holds the site's lease, unexpired. It locks the lease row {@code FOR SHARE} until the transaction ends, so nobody
     * can take the lease (an {@code UPDATE} of the row) before what this transaction writes is committed: a write that
     * passed the fence commits while its leader is still in office.
     */
    public Uni<Void> fence(Mutiny.Session session, LeaseTerm term) {
        return session.createNativeQuery("SELECT epoch FROM scheduler_lease WHERE site = :site AND holder = :holder"
                + " AND epoch = :epoch AND expires_at > clock_timestamp() FOR SHARE")
                .setParameter("site", term.site()).setParameter("holder", term.holder())
                .setParameter("epoch", term.epoch())
                .getResultList()
                .chain(rows -> rows.isEmpty()
                        ? Uni.createFrom().failure(new LeaseLost(term.holder() + " no longer holds the scheduler"
                                + " lease of site " + term.site() + " under epoch " + term.epoch()))
                        : Uni.createFrom().voidItem());
    }

    /**
     * Lets the lease go at once when {@code holder} holds it, so a standby takes over without waiting for it to expire;
     * the epoch moves on when the next holder takes it.
     */
    public Uni<Boolean> release(Mutiny.Session session, String site, String holder) {
        return session.createNativeQuery("UPDATE scheduler_lease SET expires_at = clock_timestamp()"
                + " WHERE site = :site AND holder = :holder AND expires_at > clock_timestamp()")
                .setParameter("site", site).setParameter("holder", holder)
                .executeUpdate()
                .map(rows -> rows == 1);
    }

    private static Uni<Optional<LeaseTerm>> current(Mutiny.Session session, String site) {
        return session.createNativeQuery("SELECT holder, epoch FROM scheduler_lease WHERE site = :site"
                + " AND expires_at > clock_timestamp()", Object[].class)
                .setParameter("site", site)
                .getResultList()
                .map(rows -> rows.stream().findFirst()
                        .map(row -> new LeaseTerm(site, NativeRows.text(row[0]), NativeRows.count(row[1]))));
    }
}
