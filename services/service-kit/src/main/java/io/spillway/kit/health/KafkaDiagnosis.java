package io.spillway.kit.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.IllegalSaslStateException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedSaslMechanismException;

/**
 * Says which {@code kafka.*} setting an operator should look at when a Kafka client cannot talk to the cluster: a
 * stack trace names a class, the operator needs the setting. Secrets (the JAAS configuration, store passwords) never
 * appear in a message.
 */
public final class KafkaDiagnosis {

    /** Settings whose values are secrets, blanked out of every message. */
    private static final List<String> SECRETS = List.of("sasl.jaas.config", "ssl.truststore.password",
            "ssl.keystore.password", "ssl.key.password", "ssl.keystore.key", "ssl.truststore.certificates",
            "ssl.keystore.certificate.chain");

    /** The settings to look at, as an operator writes them ({@code kafka.sasl.jaas.config, ...}), and why. */
    public record Problem(String settings, String message) {
    }

    private KafkaDiagnosis() {
    }

    /**
     * What {@code failure}, thrown by a Kafka client built from {@code config} (the {@code kafka.*} settings without
     * their prefix) that waited {@code timeout} for an answer, tells about the settings.
     */
    public static Problem of(Throwable failure, Map<String, ?> config, Duration timeout) {
        List<Throwable> chain = chain(failure);
        String servers = value(config, AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG).orElse("(not set)");
        String protocol = value(config, AdminClientConfig.SECURITY_PROTOCOL_CONFIG).orElse("PLAINTEXT");
        String mechanism = value(config, "sasl.mechanism").orElse("GSSAPI");
        String truststore = value(config, "ssl.truststore.location")
                .orElse("(not set: the JVM's default trust store)");
        String at = "Kafka at kafka.bootstrap.servers=" + servers;
        Problem problem;

        if (find(chain, SaslAuthenticationException.class) != null) {
            problem = new Problem("kafka.sasl.jaas.config, kafka.sasl.mechanism", at
                    + " refused the SASL credentials: check the user and password in kafka.sasl.jaas.config, and"
                    + " kafka.sasl.mechanism=" + mechanism + ". The broker said: "
                    + find(chain, SaslAuthenticationException.class).getMessage());
        } else if (find(chain, UnsupportedSaslMechanismException.class) != null) {
            problem = new Problem("kafka.sasl.mechanism", at + " does not accept kafka.sasl.mechanism=" + mechanism
                    + " on that listener: " + find(chain, UnsupportedSaslMechanismException.class).getMessage());
        } else if (find(chain, IllegalSaslStateException.class) != null) {
            problem = new Problem("kafka.security.protocol", at + " did not expect SASL: check that"
                    + " kafka.security.protocol=" + protocol + " is what the listener at that address speaks ("
                    + find(chain, IllegalSaslStateException.class).getMessage() + ")");
        } else if (find(chain, SslAuthenticationException.class) != null) {
            problem = new Problem("kafka.ssl.truststore.location, kafka.security.protocol", "TLS handshake with " + at
                    + " failed: check that kafka.ssl.truststore.location=" + truststore + " holds the CA that signed"
                    + " the broker's certificate, and that kafka.security.protocol=" + protocol
                    + " is what the listener at that address speaks (" + rootMessage(chain) + ")");
        } else if (find(chain, AuthenticationException.class) != null) {
            problem = new Problem("kafka.security.protocol, kafka.sasl.mechanism, kafka.sasl.jaas.config", at
                    + " did not authenticate this client: check kafka.security.protocol=" + protocol
                    + ", kafka.sasl.mechanism=" + mechanism + " and kafka.sasl.jaas.config ("
                    + find(chain, AuthenticationException.class).getMessage() + ")");
        } else if (find(chain, TimeoutException.class) != null
                || find(chain, java.util.concurrent.TimeoutException.class) != null) {
            boolean tls = protocol.toUpperCase(Locale.ROOT).endsWith("SSL");
            // A TLS client at a plaintext listener gets no handshake error: the broker drops the connection (a
            // ClientHello is no Kafka request), the client logs "terminated during authentication" and retries
            // until it gives up, which looks like a broker that does not answer.
            String tlsHint = tls ? ", and that the listener at that address speaks TLS (kafka.security.protocol="
                    + protocol + "): a plaintext listener drops a TLS client's connections without an error" : "";
            problem = new Problem(tls ? "kafka.bootstrap.servers, kafka.security.protocol" : "kafka.bootstrap.servers",
                    "Kafka does not answer at kafka.bootstrap.servers=" + servers + " within " + seconds(timeout)
                            + ": check kafka.bootstrap.servers, and that the brokers run and can be reached from here"
                            + tlsHint);
        } else {
            problem = configProblem(chain, servers, protocol, config);
        }
        return new Problem(problem.settings(), hideSecrets(problem.message(), config));
    }

    /** A client that could not even be built: a setting Kafka rejected, a store it could not read, no JAAS entry. */
    private static Problem configProblem(List<Throwable> chain, String servers, String protocol,
            Map<String, ?> config) {
        String root = rootMessage(chain);
        String all = String.join(" / ", chain.stream().map(Throwable::getMessage).filter(Objects::nonNull).toList());
        if (all.contains("JAAS") || all.contains("jaas")) {
            return new Problem("kafka.sasl.jaas.config", "kafka.sasl.jaas.config is missing or invalid, and"
                    + " kafka.security.protocol=" + protocol + " needs it: " + root);
        }
        for (String store : List.of("ssl.truststore.location", "ssl.keystore.location")) {
            Optional<String> location = value(config, store);
            if (location.isPresent() && all.contains(location.get())) {
                return new Problem("kafka." + store, "kafka." + store + "=" + location.get() + " cannot be used"
                        + " (check the file, its type and its password): " + root);
            }
        }
        if (find(chain, ConfigException.class) != null) {
            String message = find(chain, ConfigException.class).getMessage();
            // Kafka's own messages name the setting ("Invalid value x for configuration security.protocol: ...",
            // "No resolvable bootstrap urls given in bootstrap.servers"), without the prefix the operator wrote.
            Optional<String> named = AdminClientConfig.configNames().stream()
                    .sorted(Comparator.comparingInt(String::length).reversed())
                    .filter(name -> message != null && message.contains(name))
                    .findFirst();
            if (named.isPresent()) {
                return new Problem("kafka." + named.get(), "kafka." + named.get() + " is invalid"
                        + value(config, named.get()).filter(v -> !SECRETS.contains(named.get()))
                                .map(v -> " (" + v + ")").orElse("")
                        + ": " + message);
            }
        }
        return new Problem("kafka.*", "The Kafka client for kafka.bootstrap.servers=" + servers + " failed: " + root);
    }

    private static String hideSecrets(String message, Map<String, ?> config) {
        String hidden = message;
        for (String secret : SECRETS) {
            Optional<String> value = value(config, secret);
            if (value.isPresent() && value.get().length() >= 4) {
                hidden = hidden.replace(value.get(), "[hidden]");
            }
        }
        return hidden;
    }

    private static Optional<String> value(Map<String, ?> config, String name) {
        Object value = config.get(name);
        if (value == null) {
            return Optional.empty();
        }
        // Kafka's Password type hides its value in toString().
        String text = value instanceof Password password ? password.value()
                : String.valueOf(value);
        return text.isBlank() ? Optional.empty() : Optional.of(text);
    }

    private static List<Throwable> chain(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    private static <T extends Throwable> T find(List<Throwable> chain, Class<T> type) {
        return chain.stream().filter(type::isInstance).map(type::cast).findFirst().orElse(null);
    }

    /** The deepest message: the wrappers (ExecutionException, KafkaException) add only "failed to ...". */
    private static String rootMessage(List<Throwable> chain) {
        for (int i = chain.size() - 1; i >= 0; i--) {
            if (chain.get(i).getMessage() != null) {
                return chain.get(i).getMessage();
            }
        }
        return chain.get(chain.size() - 1).getClass().getSimpleName();
    }

    private static String seconds(Duration timeout) {
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
    }
}
