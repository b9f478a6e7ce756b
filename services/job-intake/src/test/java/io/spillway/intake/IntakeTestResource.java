package io.spillway.intake;

import java.util.HashMap;
import java.util.Map;

import io.spillway.kit.security.TokenHash;
import io.spillway.testing.PlatformTestResource;

/**
 * The real platform, plus the bootstrap tokens the tests call with: as {@code spillway up} does, only their SHA-256
 * reaches the service.
 */
public class IntakeTestResource extends PlatformTestResource {

    /** The admin token of the tests. */
    public static final String ADMIN_TOKEN = "spw_test-admin-0123456789abcdefghijklmnopqrstuv";
    /** The token of the {@code default} project. */
    public static final String DEFAULT_PROJECT_TOKEN = "spw_test-default-0123456789abcdefghijklmnopqrs";

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        config.put("spillway.intake.bootstrap.admin-token-sha256", TokenHash.sha256Hex(ADMIN_TOKEN));
        config.put("spillway.intake.bootstrap.project-token-sha256", TokenHash.sha256Hex(DEFAULT_PROJECT_TOKEN));
        // The two sites of the local stack; no scheduler listens there, so logs and capacity answer "unreachable".
        config.put("spillway.intake.sites.onprem.scheduler-url", "http://127.0.0.1:9");
        config.put("spillway.intake.sites.cloud.scheduler-url", "http://127.0.0.1:9");
        return config;
    }
}
