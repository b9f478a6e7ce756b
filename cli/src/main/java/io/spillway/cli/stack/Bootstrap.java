package io.spillway.cli.stack;

/**
 * What job-intake needs to accept the local stack's first tokens: the SHA-256 (lower-case hex) of the admin token
 * and of the project token, and that token's project. Hashes only, so the secrets stay in the credentials file.
 */
public record Bootstrap(String adminTokenSha256, String projectTokenSha256, String project) {
}
