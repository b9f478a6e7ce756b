package io.spillway.intake.persistence;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.spillway.intake.domain.Caller;
import io.spillway.intake.domain.Tokens;
import io.spillway.kit.Transactions;
import io.spillway.kit.security.TokenHash;

/**
 * API tokens: created with a secret shown once, stored by its SHA-256, revoked by id. Lookups are cached for a few
 * seconds, so a revoked token stops working within {@link #CACHE_MILLIS} on every replica.
 */
@ApplicationScoped
public class TokenRepository {

    static final long CACHE_MILLIS = 2_000;

    private final Transactions transactions;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public TokenRepository(Transactions transactions) {
        this.transactions = transactions;
    }

    /** A token as listed: never its secret. */
    public record TokenView(String id, String name, String project, boolean admin, OffsetDateTime createdAt,
            OffsetDateTime revokedAt) {
    }

    /** A token just created: the only time its secret is shown. */
    public record CreatedToken(String id, String name, String project, boolean admin, OffsetDateTime createdAt,
            String token) {
    }

    private record Cached(Optional<Caller> caller, long expiresAt) {
    }

    /** The caller a secret stands for; empty for an unknown or revoked token. */
    public Uni<Optional<Caller>> authenticate(String secret) {
        String hash = TokenHash.sha256Hex(secret);
        Cached cached = cache.get(hash);
        long now = System.currentTimeMillis();
        if (cached != null && cached.expiresAt() > now) {
            return Uni.createFrom().item(cached.caller());
        }
        return transactions.inSession(session -> session
                .createQuery("from ApiTokenEntity where tokenSha256 = :hash and revokedAt is null",
                        ApiTokenEntity.class)
                .setParameter("hash", hash)
                .getSingleResultOrNull())
                .map(token -> Optional.ofNullable(token)
                        .map(t -> new Caller(t.id, t.name, t.project, t.admin)))
                .invoke(caller -> cache.put(hash, new Cached(caller, now + CACHE_MILLIS)));
    }

    /** Creates a token for {@code project}, or an admin token when it is {@code null}. */
    public Uni<CreatedToken> create(String name, String project) {
        String secret = Tokens.newSecret();
        return insert(name, project, TokenHash.sha256Hex(secret))
                .map(t -> new CreatedToken(t.id, t.name, t.project, t.admin, t.createdAt, secret));
    }

    /** Registers a token whose secret someone else holds (the local stack's bootstrap), once. */
    public Uni<Void> ensure(String name, String project, String sha256) {
        return transactions.inTransaction(session -> session
                .createQuery("from ApiTokenEntity where tokenSha256 = :hash", ApiTokenEntity.class)
                .setParameter("hash", sha256)
                .getSingleResultOrNull()
                .chain(existing -> existing != null
                        ? Uni.createFrom().voidItem()
                        : session.persist(entity(name, project, sha256))));
    }

    public Uni<List<TokenView>> list(String project) {
        return transactions.inSession(session -> session
                .createQuery("from ApiTokenEntity where (:project is null or project = :project) order by createdAt",
                        ApiTokenEntity.class)
                .setParameter("project", project)
                .getResultList())
                .map(tokens -> tokens.stream()
                        .map(t -> new TokenView(t.id, t.name, t.project, t.admin, t.createdAt, t.revokedAt))
                        .toList());
    }

    /** Revokes a token; {@code false} when there is no such token. */
    public Uni<Boolean> revoke(String id) {
        return transactions.inTransaction(session -> session.find(ApiTokenEntity.class, id).map(token -> {
            if (token == null) {
                return false;
            }
            if (token.revokedAt == null) {
                token.revokedAt = OffsetDateTime.now(ZoneOffset.UTC);
            }
            cache.remove(token.tokenSha256);
            return true;
        }));
    }

    private Uni<ApiTokenEntity> insert(String name, String project, String sha256) {
        ApiTokenEntity token = entity(name, project, sha256);
        return transactions.inTransaction(session -> session.persist(token)).replaceWith(token);
    }

    private static ApiTokenEntity entity(String name, String project, String sha256) {
        ApiTokenEntity token = new ApiTokenEntity();
        token.id = UUID.randomUUID().toString();
        token.name = name;
        token.project = project;
        token.admin = project == null;
        token.tokenSha256 = sha256;
        token.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
        return token;
    }
}
