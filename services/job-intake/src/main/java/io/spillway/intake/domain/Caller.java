package io.spillway.intake.domain;

/**
 * Who makes a request, from its bearer token: an admin, or a member of one project who sees and acts on that
 * project's jobs only.
 *
 * @param project the token's project; {@code null} for an admin token
 */
public record Caller(String tokenId, String tokenName, String project, boolean admin) {

    /** Whether this caller may see and act on what belongs to {@code project}. */
    public boolean mayAccess(String project) {
        return admin || this.project.equals(project);
    }
}
