package io.spillway.kit.security;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * The service credential: a token every service of a deployment shares, giving the role {@link Roles#SERVICE}. Any
 * other token is left to the providers after this one (job-intake's users' tokens); where there is none, it is
 * refused.
 */
@ApplicationScoped
public class ServiceCredentialIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    /** The name a service call is recorded under (audit, logs). */
    public static final String PRINCIPAL = "spillway-service";

    private final ServiceCredential credential;

    public ServiceCredentialIdentityProvider(ServiceCredential credential) {
        this.credential = credential;
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        if (!credential.accepts(request.getToken().getToken())) {
            return Uni.createFrom().nullItem();
        }
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(PRINCIPAL))
                .addRole(Roles.SERVICE)
                .addCredential(request.getToken())
                .build());
    }

    /** Before users' tokens: a service call is answered without a database lookup. */
    @Override
    public int priority() {
        return 100;
    }
}
