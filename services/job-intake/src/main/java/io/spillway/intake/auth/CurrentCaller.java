package io.spillway.intake.auth;

import jakarta.enterprise.context.RequestScoped;

import io.quarkus.security.identity.SecurityIdentity;
import io.spillway.intake.domain.Caller;

/**
 * The user behind the request in progress. Every resource is {@code @RolesAllowed} for users' roles, so by the
 * time one runs, {@link UserTokenIdentityProvider} has authenticated the token and set the caller.
 */
@RequestScoped
public class CurrentCaller {

    private final SecurityIdentity identity;

    public CurrentCaller(SecurityIdentity identity) {
        this.identity = identity;
    }

    /** The authenticated user. */
    public Caller get() {
        Caller caller = identity.getAttribute(UserTokenIdentityProvider.CALLER);
        if (caller == null) {
            throw new IllegalStateException("no user token authenticated this request");
        }
        return caller;
    }
}
