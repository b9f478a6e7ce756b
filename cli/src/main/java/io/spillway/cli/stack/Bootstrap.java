package io.spillway.cli.stack;

/**
 * What the services need to accept the local stack's credentials: the SHA-256 (lower-case hex) of the admin token
 * and of the project token and that token's project, for job-intake; and the service credential the services use
 * with each other, which each service both sends and checks.
 */
public record Bootstrap(String adminTokenSha256, String projectTokenSha256, String project, String serviceToken) {
}
