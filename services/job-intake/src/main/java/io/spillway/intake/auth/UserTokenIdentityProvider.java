package io.spillway.intake.auth;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.spillway.intake.domain.Caller;
import io.spillway.intake.persistence.TokenRepository;
import io.spillway.kit.security.Roles;

/**
 * Users' API tokens, as stored by job-intake: an admin token gives {@link Roles#ADMIN}, a project's token
 * {@link Roles#USER}; the {@link Caller} rides along as an attribute for the project checks the resources make.
 */
@ApplicationScoped
public class UserTokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    static final String CALLER = "spillway.caller";

    private final TokenRepository tokens;

    public UserTokenIdentityProvider(TokenRepository tokens) {
        this.tokens = tokens;
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        return tokens.authenticate(request.getToken().getToken()).map(found -> {
            Caller caller = found.orElseThrow(() -> new AuthenticationFailedException("unknown or revoked token"));
            return QuarkusSecurityIdentity.builder()
                    .setPrincipal(new QuarkusPrincipal(caller.tokenName()))
                    .addRole(caller.admin() ? Roles.ADMIN : Roles.USER)
                    .addAttribute(CALLER, caller)
                    .addCredential(request.getToken())
                    .build();
        });
    }
}
