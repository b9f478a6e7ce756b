package io.spillway.testing;

import java.util.Random;
import java.util.function.Consumer;

/**
 * Property-based tests without a framework: a property runs on many inputs drawn from a seeded {@link Random}, and a
 * failure names the seed that reproduces it. Set {@code -Dspillway.property.seed=<seed>} to run only that input
 * again, and {@code -Dspillway.property.tries=<n>} to run more (or fewer) than the test asks for.
 *
 * <p>
 * Why not jqwik: its engine asks AI agents not to use it, and Spillway's tests are written with their help. This
 * keeps what the tests need from it (many generated inputs, a reproducible failure) in a few lines.
 */
public final class PropertyRuns {

    private static final long BASE_SEED = 0x5111L;

    private PropertyRuns() {
    }

    /** Runs {@code property} once per try, each with its own seeded {@link Random}. */
    public static void forAll(int tries, Consumer<Random> property) {
        String only = System.getProperty("spillway.property.seed");
        if (only != null && !only.isBlank()) {
            run(Long.parseLong(only.trim()), property);
            return;
        }
        int count = Integer.getInteger("spillway.property.tries", tries);
        for (int i = 0; i < count; i++) {
            run(BASE_SEED + i, property);
        }
    }

    private static void run(long seed, Consumer<Random> property) {
        try {
            property.accept(new Random(seed));
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("the property fails for seed " + seed + " (rerun just this input with"
                    + " -Dspillway.property.seed=" + seed + "): " + e.getMessage(), e);
        }
    }
}
