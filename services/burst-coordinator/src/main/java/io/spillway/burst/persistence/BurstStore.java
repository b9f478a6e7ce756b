package io.spillway.burst.persistence;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;
import io.spillway.burst.saga.BurstJob;
import io.spillway.burst.saga.BurstState;
import io.spillway.burst.saga.RecentRestore;
import io.spillway.burst.saga.SiteUsage;
import io.spillway.burst.saga.Transfer;
import io.spillway.burst.saga.Volume;
import io.spillway.kit.Inbox;
import io.spillway.kit.Outbox;
import io.spillway.kit.Transactions;
import io.spillway.schemas.CloudEvent;
import io.spillway.schemas.SpillwayEvent;

/**
 * The bursts in PostgreSQL through Hibernate Reactive. Every method that changes something takes the session of the
 * caller's transaction, so the consumer's inbox claim, the burst's new state, its lookup keys and the events it
 * sends (outbox rows) commit together or not at all.
 */
@ApplicationScoped
public class BurstStore {

    /** What a storage or job event names, to find its burst by. */
    public enum RefKind {
        SNAPSHOT,
        RESTORE,
        JOB
    }

    private final Transactions transactions;
    private final Inbox inbox;
    private final Outbox outbox;

    public BurstStore(Transactions transactions, Inbox inbox, Outbox outbox) {
        this.transactions = transactions;
        this.inbox = inbox;
        this.outbox = outbox;
    }

    public Transactions transactions() {
        return transactions;
    }

    /**
     * Claims a consumed event in the kit's inbox: {@code true} the first time, {@code false} for a redelivery, which
     * must change nothing.
     */
    public Uni<Boolean> firstDelivery(Mutiny.Session session, CloudEvent event) {
        return inbox.firstDelivery(session, event);
    }

    /** The open burst of a home site, locked for the rest of the transaction. */
    public Uni<Optional<BurstState>> findOpenForUpdate(Mutiny.Session session, String homeSite) {
        return session.createQuery("from BurstEntity where homeSite = :site and open = true", BurstEntity.class)
                .setParameter("site", homeSite)
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .getResultList()
                .map(found -> found.stream().findFirst().map(entity -> StoredBurstState.read(entity.state)));
    }

    /** The burst a snapshot, restore or job belongs to, locked for the rest of the transaction. */
    public Uni<Optional<BurstState>> findByRefForUpdate(Mutiny.Session session, RefKind kind, String ref) {
        return session.createNativeQuery("SELECT burst_id FROM burst_refs WHERE kind = :kind AND ref = :ref",
                String.class)
                .setParameter("kind", kind.name()).setParameter("ref", ref)
                .getResultList()
                .chain(ids -> ids.isEmpty() ? Uni.createFrom().item(Optional.<BurstState> empty())
                        : findForUpdate(session, ids.get(0)));
    }

    /** A burst by id, locked for the rest of the transaction. */
    public Uni<Optional<BurstState>> findForUpdate(Mutiny.Session session, String burstId) {
        return session.find(BurstEntity.class, burstId, LockModeType.PESSIMISTIC_WRITE)
                .map(entity -> Optional.ofNullable(entity).map(found -> StoredBurstState.read(found.state)));
    }

    /** The ids of the open bursts, for the timer. */
    public Uni<List<String>> openBurstIds() {
        return transactions.inSession(session -> session
                .createQuery("select burstId from BurstEntity where open = true order by openedAt", String.class)
                .getResultList());
    }

    /** Every burst, newest first; only those of {@code homeSite} when it is given. */
    public Uni<List<BurstState>> list(Optional<String> homeSite) {
        return transactions.inSession(session -> session
                .createQuery("from BurstEntity where (:site is null or homeSite = :site) order by openedAt desc,"
                        + " burstId", BurstEntity.class)
                .setParameter("site", homeSite.orElse(null))
                .getResultList())
                .map(entities -> entities.stream().map(entity -> StoredBurstState.read(entity.state)).toList());
    }

    public Uni<Optional<BurstState>> find(String burstId) {
        return transactions.inSession(session -> session.find(BurstEntity.class, burstId))
                .map(entity -> Optional.ofNullable(entity).map(found -> StoredBurstState.read(found.state)));
    }

    /**
     * What bursts other than {@code exceptBurstId} hold at the burst sites, and what they restored there within
     * {@code window} before {@code now}.
     */
    public Uni<SiteUsage> usage(Mutiny.Session session, String exceptBurstId, Instant now, Duration window) {
        OffsetDateTime since = now.minus(window).atOffset(ZoneOffset.UTC);
        return session.createQuery("from BurstEntity where (open = true or updatedAt >= :since)"
                + " and burstId <> :except", BurstEntity.class)
                .setParameter("since", since).setParameter("except", exceptBurstId == null ? "" : exceptBurstId)
                .getResultList()
                .map(entities -> {
                    Map<String, Double> committed = new HashMap<>();
                    List<RecentRestore> restores = new ArrayList<>();
                    for (BurstEntity entity : entities) {
                        BurstState burst = StoredBurstState.read(entity.state);
                        if (burst.open()) {
                            committed.merge(burst.burstSite(), burst.gpusCommitted(), Double::sum);
                        }
                        restores.addAll(burst.restores());
                    }
                    return new SiteUsage(committed, restores);
                });
    }

    /**
     * Stores a burst's state after a decision, with the lookup keys of its snapshots, restores and jobs. A burst
     * not stored before is inserted; the partial unique index refuses a second open burst for a home site.
     *
     * @param before the state the decision started from, or {@code null} for a new burst
     */
    public Uni<Void> save(Mutiny.Session session, BurstState before, BurstState after, Instant now) {
        OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
        Uni<Void> stored;
        if (before == null) {
            BurstEntity entity = new BurstEntity();
            entity.burstId = after.burstId();
            entity.homeSite = after.homeSite();
            entity.burstSite = after.burstSite();
            entity.openedAt = after.openedAt().atOffset(ZoneOffset.UTC);
            entity.traceparent = after.traceparent();
            copy(after, entity, at);
            stored = session.persist(entity);
        } else {
            stored = session.find(BurstEntity.class, after.burstId()).invoke(entity -> copy(after, entity, at))
                    .replaceWithVoid();
        }
        // Native statements do not flush the session: the burst row must exist before the refs that point to it.
        stored = stored.chain(session::flush);
        Set<Ref> newRefs = refs(after);
        if (before != null) {
            newRefs.removeAll(refs(before));
        }
        for (Ref ref : newRefs) {
            stored = stored.chain(() -> session.createNativeQuery("INSERT INTO burst_refs (kind, ref, burst_id)"
                    + " VALUES (:kind, :ref, :burst) ON CONFLICT (kind, ref) DO UPDATE SET burst_id = EXCLUDED.burst_id")
                    .setParameter("kind", ref.kind().name()).setParameter("ref", ref.ref())
                    .setParameter("burst", after.burstId())
                    .executeUpdate())
                    .replaceWithVoid();
        }
        return stored;
    }

    /** Appends an event to the outbox in the caller's transaction. */
    public Uni<Void> append(Mutiny.Session session, SpillwayEvent event, String traceparent) {
        return outbox.append(session, event, traceparent).replaceWithVoid();
    }

    /** Remembers what JobSubmitted said about a job; a second JobSubmitted for it changes nothing. */
    public Uni<Void> rememberJob(Mutiny.Session session, String jobId, String site, List<Volume> volumes,
            String traceparent, Instant now) {
        return session.find(KnownJobEntity.class, jobId).chain(existing -> {
            if (existing != null) {
                return Uni.createFrom().voidItem();
            }
            KnownJobEntity job = new KnownJobEntity();
            job.jobId = jobId;
            job.site = site;
            job.volumes = StoredBurstState.writeVolumes(volumes);
            job.traceparent = traceparent;
            job.submittedAt = now.atOffset(ZoneOffset.UTC);
            return session.persist(job);
        });
    }

    /**
     * Serializes, per site, a queue signal's transaction with those of the site's job starts and ends: without it a
     * start consumed while the signal's burst is being opened sees no burst, the burst sees no start, and the job
     * is rerouted while it runs at home.
     */
    public Uni<Void> lockSite(Mutiny.Session session, String site) {
        return session.createNativeQuery("SELECT 1 FROM pg_advisory_xact_lock(hashtext(:key))", Integer.class)
                .setParameter("key", "burst-coordinator:site:" + (site == null ? "" : site))
                .getSingleResult().replaceWithVoid();
    }

    /** Remembers that a job left its queue (started, ended, cancelled); the first reason stays. */
    public Uni<Void> rememberLeftQueue(Mutiny.Session session, String jobId, String site, String why) {
        return session.createNativeQuery("INSERT INTO jobs_left_queue (job_id, site, why) VALUES (:id, :site, :why)"
                + " ON CONFLICT DO NOTHING")
                .setParameter("id", jobId).setParameter("site", site).setParameter("why", why)
                .executeUpdate().replaceWithVoid();
    }

    /** Which of {@code jobIds} left their queue already. */
    public Uni<Set<String>> leftQueue(Mutiny.Session session, List<String> jobIds) {
        if (jobIds.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return session.createNativeQuery("SELECT job_id FROM jobs_left_queue WHERE job_id IN (:ids)", String.class)
                .setParameter("ids", jobIds)
                .getResultList()
                .map(Set::copyOf);
    }

    /** What JobSubmitted said about each of {@code jobIds} that this coordinator saw; the others are absent. */
    public Uni<Map<String, KnownJob>> knownJobs(Mutiny.Session session, List<String> jobIds) {
        if (jobIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return session.createQuery("from KnownJobEntity where jobId in (:ids)", KnownJobEntity.class)
                .setParameter("ids", jobIds)
                .getResultList()
                .map(jobs -> {
                    Map<String, KnownJob> known = new HashMap<>();
                    for (KnownJobEntity job : jobs) {
                        known.put(job.jobId, new KnownJob(job.jobId,
                                StoredBurstState.readVolumes(job.volumes), job.traceparent));
                    }
                    return known;
                });
    }

    /** A job as JobSubmitted described it. */
    public record KnownJob(String jobId, List<Volume> volumes, String traceparent) {
    }

    private static void copy(BurstState state, BurstEntity entity, OffsetDateTime at) {
        entity.phase = state.phase().name();
        entity.open = state.open();
        entity.state = StoredBurstState.write(state);
        entity.updatedAt = at;
    }

    private record Ref(RefKind kind, String ref) {
    }

    private static Set<Ref> refs(BurstState state) {
        Set<Ref> refs = new LinkedHashSet<>();
        List<Transfer> transfers = new ArrayList<>(state.data());
        for (BurstJob job : state.jobs()) {
            // While the burst is open it owns its jobs; a later burst that takes the job over re-points it.
            if (state.open()) {
                refs.add(new Ref(RefKind.JOB, job.jobId()));
            }
            transfers.addAll(job.results());
        }
        for (Transfer transfer : transfers) {
            if (transfer.snapshotId() != null) {
                refs.add(new Ref(RefKind.SNAPSHOT, transfer.snapshotId()));
            }
            if (transfer.restoreId() != null) {
                refs.add(new Ref(RefKind.RESTORE, transfer.restoreId()));
            }
        }
        return refs;
    }
}
