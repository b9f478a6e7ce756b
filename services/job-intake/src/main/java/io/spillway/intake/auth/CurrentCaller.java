package io.spillway.intake.auth;

import jakarta.enterprise.context.RequestScoped;

import io.spillway.intake.domain.Caller;

/** The caller of the request in progress, set by {@link BearerTokenFilter} before any resource runs. */
@RequestScoped
public class CurrentCaller {

    private Caller caller;

    void set(Caller caller) {
        this.caller = caller;
    }

    /** The authenticated caller; the filter has refused the request before a resource could run without one. */
    public Caller get() {
        if (caller == null) {
            throw new IllegalStateException("no authenticated caller in this request");
        }
        return caller;
    }

    /** Refuses the request unless the caller holds an admin token. */
    public Caller requireAdmin() {
        Caller current = get();
        if (!current.admin()) {
            throw new jakarta.ws.rs.ForbiddenException("this needs an admin token; the token '" + current.tokenName()
                    + "' belongs to project " + current.project());
        }
        return current;
    }
}
