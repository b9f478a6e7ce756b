package io.spillway.kit.security;

/**
 * The roles a caller may hold, for {@code @RolesAllowed}. A user's token gives {@link #USER} (one project) or
 * {@link #ADMIN} (every project); the credential the services share gives {@link #SERVICE}.
 */
public final class Roles {

    public static final String USER = "user";
    public static final String ADMIN = "admin";
    public static final String SERVICE = "service";

    private Roles() {
    }
}
