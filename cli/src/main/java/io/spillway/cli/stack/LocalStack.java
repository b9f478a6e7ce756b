package io.spillway.cli.stack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The local stack on embedded defaults: two sites on one machine, {@code onprem} with a small GPU inventory and
 * {@code cloud} as the burst site, each with its own scheduler, storage-agent, snapshot-worker and filesystem root;
 * job-intake and burst-coordinator shared.
 */
public final class LocalStack {

    /** GPUs of the home site: few, so its queue overflows and the burst path is easy to see. */
    public static final int ONPREM_GPUS = 2;
    /** GPUs of the burst site. */
    public static final int CLOUD_GPUS = 8;
    /** How long onprem's queue must stay over its threshold before it signals: short, so the demo bursts soon. */
    public static final String QUEUE_DEBOUNCE = "2s";

    private LocalStack() {
    }

    /**
     * The services of the stack.
     *
     * @param platform the Quarkus configuration of Kafka, PostgreSQL and S3 ({@code kafka.bootstrap.servers},
     *        {@code quarkus.datasource.*}, {@code spillway.s3.*})
     * @param stateDir where sites keep their filesystems and job directories
     * @param ports the HTTP port of each service, in the order of {@link #SERVICE_NAMES}
     * @param otlpEndpoint where traces go (Jaeger's OTLP/HTTP endpoint), or {@code null} to keep the default
     * @param bootstrap the hashes of the first admin and project tokens, which job-intake accepts from its start,
     *        and the service credential
     */
    public static List<ServiceSpec> services(Map<String, String> platform, Path stateDir, List<Integer> ports,
            String otlpEndpoint, Bootstrap bootstrap) {
        Map<String, String> common = new LinkedHashMap<>(platform);
        // Each service sends it to the others' internal APIs and accepts it from them.
        common.put("spillway.auth.service-token", bootstrap.serviceToken());
        if (otlpEndpoint != null) {
            // The generic key, as an operator would set it: the services' traces endpoint follows it.
            common.put("quarkus.otel.exporter.otlp.endpoint", otlpEndpoint);
        }
        Path onpremRoot = stateDir.resolve("sites/onprem/filesystems").toAbsolutePath();
        Path cloudRoot = stateDir.resolve("sites/cloud/filesystems").toAbsolutePath();

        List<ServiceSpec> services = new ArrayList<>();
        services.add(service("job-intake", ports.get(0), common, Map.of(
                "spillway.site", "onprem",
                "spillway.intake.bootstrap.admin-token-sha256", bootstrap.adminTokenSha256(),
                "spillway.intake.bootstrap.project-token-sha256", bootstrap.projectTokenSha256(),
                "spillway.intake.bootstrap.project", bootstrap.project(),
                // The first project deserves the home site's GPUs, so interactive jobs (within quota only) run.
                "spillway.intake.bootstrap.project-deserved-gpus", String.valueOf(ONPREM_GPUS),
                // Logs and live capacity come from each site's scheduler.
                "spillway.intake.sites.onprem.scheduler-url", "http://127.0.0.1:" + ports.get(1),
                "spillway.intake.sites.cloud.scheduler-url", "http://127.0.0.1:" + ports.get(2),
                // `spillway snapshot check` asks a site's snapshot-worker to read the repository.
                "spillway.intake.sites.onprem.snapshot-worker-url", "http://127.0.0.1:" + ports.get(5),
                "spillway.intake.sites.cloud.snapshot-worker-url", "http://127.0.0.1:" + ports.get(6))));
        services.add(service("gpu-scheduler", "gpu-scheduler-onprem", ports.get(1), common, Map.of(
                "spillway.site", "onprem",
                "spillway.scheduler.nodes.onprem-0.gpus", String.valueOf(ONPREM_GPUS),
                "spillway.scheduler.work-dir", stateDir.resolve("sites/onprem/jobs").toAbsolutePath().toString(),
                "spillway.scheduler.filesystem-root", onpremRoot.toString(),
                // Jobs' volumes are mounts the site's own storage-agent grants and records.
                "spillway.scheduler.storage-url", "http://127.0.0.1:" + ports.get(3),
                // A burst starts seconds after the queue overflows, not half a minute: the demo shows it happen.
                "spillway.scheduler.queue.debounce", QUEUE_DEBOUNCE)));
        services.add(service("gpu-scheduler", "gpu-scheduler-cloud", ports.get(2), common, Map.of(
                "spillway.site", "cloud",
                "spillway.scheduler.nodes.cloud-0.gpus", String.valueOf(CLOUD_GPUS / 2),
                "spillway.scheduler.nodes.cloud-1.gpus", String.valueOf(CLOUD_GPUS / 2),
                "spillway.scheduler.work-dir", stateDir.resolve("sites/cloud/jobs").toAbsolutePath().toString(),
                "spillway.scheduler.filesystem-root", cloudRoot.toString(),
                "spillway.scheduler.storage-url", "http://127.0.0.1:" + ports.get(4))));
        services.add(service("storage-agent", "storage-agent-onprem", ports.get(3), common, Map.of(
                "spillway.site", "onprem", "spillway.storage.root", onpremRoot.toString())));
        services.add(service("storage-agent", "storage-agent-cloud", ports.get(4), common, Map.of(
                "spillway.site", "cloud", "spillway.storage.root", cloudRoot.toString())));
        // Each site's snapshot-worker next to its storage: it snapshots that site's filesystems and restores into
        // them, and leaves the other site's requests to the other worker.
        services.add(service("snapshot-worker", "snapshot-worker-onprem", ports.get(5), common, Map.of(
                "spillway.site", "onprem", "spillway.snapshot.serves", "onprem",
                "spillway.snapshot.sites.onprem.root", onpremRoot.toString())));
        services.add(service("snapshot-worker", "snapshot-worker-cloud", ports.get(6), common, Map.of(
                "spillway.site", "cloud", "spillway.snapshot.serves", "cloud",
                "spillway.snapshot.sites.cloud.root", cloudRoot.toString())));
        services.add(service("burst-coordinator", ports.get(7), common, Map.of(
                "spillway.burst.sites.cloud.gpus", String.valueOf(CLOUD_GPUS),
                // A job wanting more GPUs on one node than cloud's nodes have never bursts there.
                "spillway.burst.sites.cloud.largest-node-gpus", String.valueOf(CLOUD_GPUS / 2),
                // Bounded so a stuck step fails the burst within the demo's patience, not after the production 10m/20m.
                "spillway.burst.timeouts.snapshot", "5m",
                "spillway.burst.timeouts.restore", "5m",
                "spillway.burst.timeouts.reroute", "2m",
                "spillway.burst.timeouts.start", "5m",
                "spillway.burst.tick", "2s")));
        return services;
    }

    /** The most replicas of each service {@code spillway up --replicas} runs. */
    public static final int MAX_REPLICAS = 3;

    /** How far a replica's port is from the first's: replica 2 of job-intake answers on 8180. */
    public static final int REPLICA_PORT_STEP = 100;

    /**
     * The services, each {@code replicas} times: the first on its own port and name, replica {@code r} on the port
     * {@link #REPLICA_PORT_STEP}{@code * (r - 1)} higher and named {@code <name>-<r>}, with the same configuration
     * otherwise: the same database and consumer groups, so replicas share the work (job-intake, storage-agent,
     * snapshot-worker, burst-coordinator) or stand by for the leader (a site's gpu-scheduler).
     */
    public static List<ServiceSpec> withReplicas(List<ServiceSpec> services, int replicas) {
        if (replicas < 1 || replicas > MAX_REPLICAS) {
            throw new IllegalArgumentException("replicas must be 1 to " + MAX_REPLICAS + ", got " + replicas);
        }
        List<ServiceSpec> all = new ArrayList<>(services);
        for (int replica = 2; replica <= replicas; replica++) {
            for (ServiceSpec first : services) {
                int port = first.port() + REPLICA_PORT_STEP * (replica - 1);
                String name = first.name() + "-" + replica;
                Map<String, String> config = new LinkedHashMap<>(first.config());
                config.put("quarkus.http.port", String.valueOf(port));
                config.put("quarkus.otel.resource.attributes", "service.instance.id=" + name);
                all.add(new ServiceSpec(name, first.jar(), port, first.heapMiB(), config));
            }
        }
        return all;
    }

    /** The names of every replica a stack may run beyond the first of each service, for {@code down}. */
    public static List<String> replicaNames() {
        List<String> names = new ArrayList<>();
        for (int replica = 2; replica <= MAX_REPLICAS; replica++) {
            for (String name : SERVICE_NAMES) {
                names.add(name + "-" + replica);
            }
        }
        return names;
    }

    /** Names of the stack's processes, in start order. */
    public static final List<String> SERVICE_NAMES = List.of("job-intake", "gpu-scheduler-onprem",
            "gpu-scheduler-cloud", "storage-agent-onprem", "storage-agent-cloud", "snapshot-worker-onprem",
            "snapshot-worker-cloud", "burst-coordinator");

    /**
     * Names of processes earlier versions of the stack ran: {@code down} stops them too, so a stack started before an
     * upgrade does not keep a port the new one needs (the single {@code snapshot-worker} held 8085).
     */
    public static final List<String> RETIRED_NAMES = List.of("snapshot-worker");

    /**
     * The default ports of {@code spillway up}, in the order of {@link #SERVICE_NAMES}: the cloud snapshot-worker got
     * 8087 when workers became per site, so every other service kept its port.
     */
    public static final List<Integer> DEFAULT_PORTS = List.of(8080, 8081, 8082, 8083, 8084, 8085, 8087, 8086);

    /** The URL of one of the stack's services on its default port, e.g. {@code burst-coordinator}. */
    public static String defaultUrl(String service) {
        int index = SERVICE_NAMES.indexOf(service);
        if (index < 0) {
            throw new IllegalArgumentException("No service '" + service + "' in the local stack: " + SERVICE_NAMES);
        }
        return "http://127.0.0.1:" + DEFAULT_PORTS.get(index);
    }

    private static ServiceSpec service(String module, int port, Map<String, String> common,
            Map<String, String> own) {
        return service(module, module, port, common, own);
    }

    private static ServiceSpec service(String module, String name, int port, Map<String, String> common,
            Map<String, String> own) {
        Map<String, String> config = new LinkedHashMap<>(common);
        config.putAll(own);
        config.put("quarkus.http.port", String.valueOf(port));
        config.put("quarkus.otel.resource.attributes", "service.instance.id=" + name);
        return new ServiceSpec(name, "services/" + module + "/target/quarkus-app/quarkus-run.jar", port, 256, config);
    }
}
