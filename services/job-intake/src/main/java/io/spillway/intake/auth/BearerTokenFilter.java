package io.spillway.intake.auth;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.smallrye.mutiny.Uni;
import io.spillway.intake.persistence.TokenRepository;
import io.spillway.kit.api.ApiError;

/**
 * Every call to {@code /api/} carries {@code Authorization: Bearer <token>}; the token decides who the caller is.
 * Health, metrics and the OpenAPI document stay open, as probes and tools need them.
 */
public class BearerTokenFilter {

    private static final String SCHEME = "Bearer ";

    private final TokenRepository tokens;
    private final CurrentCaller currentCaller;

    public BearerTokenFilter(TokenRepository tokens, CurrentCaller currentCaller) {
        this.tokens = tokens;
        this.currentCaller = currentCaller;
    }

    @ServerRequestFilter
    public Uni<Response> authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/api/")) {
            return Uni.createFrom().nullItem();
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
                || header.substring(SCHEME.length()).isBlank()) {
            return Uni.createFrom().item(unauthorized("missing bearer token: send 'Authorization: Bearer <token>'"
                    + " (the local stack writes its tokens to .spillway/credentials)"));
        }
        return tokens.authenticate(header.substring(SCHEME.length()).trim()).map(caller -> {
            if (caller.isEmpty()) {
                return unauthorized("the bearer token is unknown or revoked");
            }
            currentCaller.set(caller.get());
            return null;
        });
    }

    private static Response unauthorized(String message) {
        return Response.status(401).type(MediaType.APPLICATION_JSON_TYPE)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"spillway\"")
                .entity(ApiError.of(401, message)).build();
    }
}
