package io.spillway.intake.domain;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * API token secrets: 256 random bits, recognisable by their {@code spw_} prefix (so secret scanners can find leaked
 * ones), stored only as their SHA-256 ({@code io.spillway.kit.security.TokenHash}). A salted slow hash buys nothing for a
 * secret that cannot be guessed.
 */
public final class Tokens {

    public static final String PREFIX = "spw_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Tokens() {
    }

    public static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
