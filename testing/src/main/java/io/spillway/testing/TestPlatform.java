package io.spillway.testing;

import java.util.LinkedHashMap;
import java.util.Map;

import io.spillway.platform.Platform;

/**
 * The platform of a test JVM: one per JVM, Kafka and PostgreSQL as local processes or Testcontainers as
 * {@value PlatformMode#ENV} says, stopped by a shutdown hook when the JVM exits.
 */
public final class TestPlatform {

    /**
     * Where the first {@link #shared()} platform of this JVM publishes its {@link Platform#environment()}: a test
     * framework may load this class again in another class loader (Quarkus does, per application restart), and that
     * copy must reuse the running platform rather than start a second one.
     */
    private static final String SHARED_ENV_PROPERTY = "io.spillway.testing.platform.env";
    private static final String SHARED_LOCK_PROPERTY = "io.spillway.testing.platform.lock";

    private static final System.Logger LOG = System.getLogger(TestPlatform.class.getName());

    private static Platform shared;
    /** Why the shared platform did not start: every later test class fails at once instead of waiting again. */
    private static RuntimeException sharedFailure;

    private TestPlatform() {
    }

    /**
     * The platform of this JVM: started on first use (or reused from SPILLWAY_* variables), stopped by a shutdown
     * hook when the JVM exits.
     */
    public static Platform shared() {
        // The Quarkus test class loader may load a second copy of this class; an interned string is one lock per
        // JVM for all copies. (A non-String object in System properties would break libraries, e.g. Narayana,
        // that copy every system property.)
        synchronized (SHARED_LOCK_PROPERTY.intern()) {
            if (shared != null) {
                return shared;
            }
            if (sharedFailure != null) {
                throw new IllegalStateException("The shared Spillway platform failed to start earlier in this JVM",
                        sharedFailure);
            }
            String published = System.getProperty(SHARED_ENV_PROPERTY);
            if (published != null) {
                // Started and checked by another copy of this class in this JVM, whose shutdown hook stops it.
                shared = Platform.describedBy(decode(published));
                return shared;
            }
            Platform platform;
            try {
                platform = start();
            } catch (RuntimeException e) {
                sharedFailure = e;
                throw e;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(platform::close, "spillway-platform-stop"));
            System.setProperty(SHARED_ENV_PROPERTY, encode(platform.environment()));
            shared = platform;
            return shared;
        }
    }

    /**
     * A new platform on free ports with its data in a temporary directory and a database of its own, reusing
     * whatever the SPILLWAY_* environment variables name, Kafka and PostgreSQL as {@value PlatformMode#ENV} says.
     * The caller closes it.
     */
    public static Platform start() {
        long began = System.nanoTime();
        Map<String, String> environment = System.getenv();
        PlatformMode mode = PlatformMode.choose(environment.get(PlatformMode.ENV), PlatformMode::dockerAnswers);
        Platform.Options options = Platform.Options.temporary(environment);
        Platform platform = Platform.start(mode.containers() ? options.withHost(new PlatformContainers()) : options);
        LOG.log(System.Logger.Level.INFO, String.format("Spillway test platform: %s; %s; ready in %.1f s",
                platform.description(), mode.reason(), (System.nanoTime() - began) / 1e9));
        return platform;
    }

    private static String encode(Map<String, String> env) {
        StringBuilder encoded = new StringBuilder();
        env.forEach((key, value) -> encoded.append(key).append('=').append(value).append('\n'));
        return encoded.toString();
    }

    private static Map<String, String> decode(String encoded) {
        Map<String, String> env = new LinkedHashMap<>();
        encoded.lines().filter(line -> line.contains("=")).forEach(line -> {
            int split = line.indexOf('=');
            env.put(line.substring(0, split), line.substring(split + 1));
        });
        return env;
    }
}
