package io.spillway.kit.security;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/**
 * The credential the services use with each other: a bearer token from a Secret, the same in every service of a
 * deployment. To rotate it without a refused call: add the new token's SHA-256 to
 * {@link #acceptedServiceTokenSha256()} everywhere; then make the new token {@link #serviceToken()} and the old
 * one's SHA-256 the accepted one; then drop the accepted one (docs/operating.md, "Rotating the service credential").
 */
@ConfigMapping(prefix = "spillway.auth")
public interface AuthConfig {

    /**
     * The token this service sends to the others and accepts from them. Without it, no service credential is
     * accepted: the internal APIs refuse every call.
     */
    Optional<String> serviceToken();

    /** Further service tokens accepted, by their lower-case hex SHA-256: the one being rotated in or out. */
    Optional<List<String>> acceptedServiceTokenSha256();
}
