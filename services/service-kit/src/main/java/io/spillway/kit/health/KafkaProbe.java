package io.spillway.kit.health;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.Node;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.jboss.logging.Logger;

/**
 * Asks the Kafka cluster that the {@code kafka.*} settings point at to describe itself, through an Admin client built
 * from exactly those settings (so with the same TLS and SASL as every channel), and answers UP, or DOWN naming the
 * setting to fix (see {@link KafkaDiagnosis}).
 */
public final class KafkaProbe implements AutoCloseable {

    /** The name of the check in {@code /q/health}. */
    public static final String NAME = "kafka";

    private static final Logger LOG = Logger.getLogger(KafkaProbe.class);

    private final Map<String, Object> config;
    private final Duration timeout;
    /** One client for the life of the probe: each new one logs its whole configuration and opens a connection. */
    private Admin admin;
    /** The latest problem logged, so a probe that stays DOWN logs it once rather than every few seconds. */
    private String lastProblem;

    /**
     * @param config the Kafka client settings, without the {@code kafka.} prefix (Quarkus' {@code default-kafka-broker}
     *        map)
     * @param clientId the {@code client.id} the broker sees
     * @param timeout how long one check waits for the cluster's answer
     */
    public KafkaProbe(Map<String, ?> config, String clientId, Duration timeout) {
        this.config = new HashMap<>(config);
        this.config.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        this.timeout = timeout;
    }

    /** Describes the cluster, waiting at most the timeout; never throws. */
    public synchronized HealthCheckResponse check() {
        try {
            if (admin == null) {
                admin = Admin.create(config);
            }
            DescribeClusterResult cluster = admin.describeCluster(
                    new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()));
            // The client gives up after the timeout itself; the extra second only guards against a client that hangs.
            long wait = timeout.toMillis() + 1_000;
            String clusterId = cluster.clusterId().get(wait, TimeUnit.MILLISECONDS);
            Collection<Node> nodes = cluster.nodes().get(wait, TimeUnit.MILLISECONDS);
            Map<String, Object> data = settings();
            data.put("cluster.id", String.valueOf(clusterId));
            data.put("nodes", (long) nodes.size());
            if (lastProblem != null) {
                LOG.infof("Kafka readiness UP again at kafka.bootstrap.servers=%s",
                        data.get("kafka.bootstrap.servers"));
                lastProblem = null;
            }
            return new HealthCheckResponse(NAME, HealthCheckResponse.Status.UP, Optional.of(data));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return down(e);
        } catch (ExecutionException e) {
            return down(e.getCause());
        } catch (Exception e) {
            return down(e);
        }
    }

    private HealthCheckResponse down(Throwable failure) {
        KafkaDiagnosis.Problem problem = KafkaDiagnosis.of(failure, config, timeout);
        // One line, the operator's sentence, when it changes; the trace only at DEBUG, for whoever digs further.
        if (!problem.message().equals(lastProblem)) {
            LOG.warnf("Kafka readiness DOWN: %s", problem.message());
            lastProblem = problem.message();
        }
        LOG.debug("Kafka readiness failure", failure);
        Map<String, Object> data = settings();
        data.put("setting", problem.settings());
        data.put("error", problem.message());
        return new HealthCheckResponse(NAME, HealthCheckResponse.Status.DOWN, Optional.of(data));
    }

    /** The settings that say where and how the client connects; never a secret. */
    private Map<String, Object> settings() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("kafka.bootstrap.servers", String.valueOf(config.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)));
        data.put("kafka.security.protocol",
                String.valueOf(config.getOrDefault(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT")));
        Object mechanism = config.get("sasl.mechanism");
        if (mechanism != null) {
            data.put("kafka.sasl.mechanism", String.valueOf(mechanism));
        }
        return data;
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
            admin = null;
        }
    }
}
