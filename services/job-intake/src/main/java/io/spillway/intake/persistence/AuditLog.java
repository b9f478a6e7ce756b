package io.spillway.intake.persistence;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.spillway.kit.Transactions;

/** The audit log: appended to after each change made through the API, read by admins. */
@ApplicationScoped
public class AuditLog {

    private final Transactions transactions;

    public AuditLog(Transactions transactions) {
        this.transactions = transactions;
    }

    /**
     * One change.
     *
     * @param action what was done, e.g. {@code job.submit}, {@code token.revoke}
     * @param target what it was done to: the job's, token's, project's or snapshot's id or name
     * @param project the caller's project; {@code null} for an admin token
     */
    public record Entry(long id, OffsetDateTime at, String action, String target, String tokenId, String tokenName,
            String project, String sourceAddress, String method, String path, int status) {
    }

    public Uni<Void> append(Entry entry) {
        AuditEntryEntity row = new AuditEntryEntity();
        row.at = OffsetDateTime.now(ZoneOffset.UTC);
        row.action = entry.action();
        row.target = entry.target();
        row.tokenId = entry.tokenId();
        row.tokenName = entry.tokenName();
        row.project = entry.project();
        row.sourceAddress = entry.sourceAddress();
        row.method = entry.method();
        row.path = entry.path();
        row.status = entry.status();
        return transactions.inTransaction(session -> session.persist(row));
    }

    /** The newest entries first, at most {@code limit}, optionally since a time and of one action or token. */
    public Uni<List<Entry>> list(OffsetDateTime since, String action, String tokenName, int limit) {
        return transactions.inSession(session -> session.createQuery("from AuditEntryEntity"
                + " where (:since is null or at >= :since) and (:action is null or action = :action)"
                + " and (:token is null or tokenName = :token) order by id desc", AuditEntryEntity.class)
                .setParameter("since", since)
                .setParameter("action", action)
                .setParameter("token", tokenName)
                .setMaxResults(limit)
                .getResultList())
                .map(rows -> rows.stream().map(row -> new Entry(row.id, row.at, row.action, row.target, row.tokenId,
                        row.tokenName, row.project, row.sourceAddress, row.method, row.path, row.status)).toList());
    }
}
