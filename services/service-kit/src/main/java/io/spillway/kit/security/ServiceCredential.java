package io.spillway.kit.security;

import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.RequestOptions;

/** The service credential as both sides use it: what a client sends, and whether a presented token is one. */
@ApplicationScoped
public class ServiceCredential {

    private static final Logger LOG = Logger.getLogger(ServiceCredential.class);

    private final Optional<String> token;
    private final Set<String> acceptedSha256 = new HashSet<>();

    public ServiceCredential(AuthConfig config) {
        this.token = config.serviceToken().map(String::trim).filter(value -> !value.isEmpty());
        token.ifPresent(value -> acceptedSha256.add(TokenHash.sha256Hex(value)));
        config.acceptedServiceTokenSha256().ifPresent(hashes -> hashes.forEach(hash -> {
            String hex = hash.trim().toLowerCase(Locale.ROOT);
            if (!hex.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("spillway.auth.accepted-service-token-sha256 takes SHA-256"
                        + " hashes (64 hex digits), got one of " + hex.length() + " characters");
            }
            acceptedSha256.add(hex);
        }));
        if (acceptedSha256.isEmpty()) {
            LOG.warn("No service credential (spillway.auth.service-token): calls between services will be refused");
        }
    }

    /** A credential of {@code token} alone, for code that runs outside a service (tests, tools). */
    public static ServiceCredential of(Optional<String> token) {
        return new ServiceCredential(new AuthConfig() {
            @Override
            public Optional<String> serviceToken() {
                return token;
            }

            @Override
            public Optional<java.util.List<String>> acceptedServiceTokenSha256() {
                return Optional.empty();
            }
        });
    }

    /** The {@code Authorization} header value a client sends to another service; empty when none is configured. */
    public Optional<String> authorizationHeader() {
        return token.map(value -> "Bearer " + value);
    }

    /** {@code request} with the service credential, for a call to another service's internal API. */
    public RequestOptions authorize(RequestOptions request) {
        authorizationHeader().ifPresent(value -> request.putHeader(HttpHeaders.AUTHORIZATION, value));
        return request;
    }

    /** Whether {@code presented} is a service token this service accepts. */
    public boolean accepts(String presented) {
        return !acceptedSha256.isEmpty() && acceptedSha256.contains(TokenHash.sha256Hex(presented));
    }
}
