package io.spillway.intake.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.spillway.schemas.JobSpec;

/**
 * What the cluster's sites are made of, as their schedulers last said: enough to refuse at submit a job that no site
 * could ever run, rather than accept it to wait forever. A job one site cannot run but another can is fine: it waits
 * at its home site with the reason, and a burst may take it where it can run.
 *
 * @param sites every site of the cluster by name; only a complete picture refuses anything
 */
public record ClusterShape(Map<String, SiteShape> sites) {

    /**
     * One site.
     *
     * @param nodes the GPUs of each node, by node pool ({@link #NO_POOL} for nodes in none)
     */
    public record SiteShape(Map<String, List<Integer>> nodes) {

        public static final String NO_POOL = "";

        public SiteShape {
            nodes = Map.copyOf(nodes);
        }

        /** The GPUs of the nodes a job of {@code pool} may use: every node without a pool asked for. */
        List<Integer> nodesFor(String pool) {
            if (pool == null) {
                return nodes.values().stream().flatMap(List::stream).toList();
            }
            return nodes.getOrDefault(pool, List.of());
        }
    }

    public ClusterShape {
        sites = Map.copyOf(sites);
    }

    /**
     * Why no site could ever run {@code spec}: the pool is nowhere, one worker needs more GPUs than any node of a
     * site has, or the gang needs more such nodes than any site has. Empty when some site can.
     */
    public List<Violation> neverRunnable(JobSpec spec) {
        if (sites.isEmpty() || spec.gpuMemoryMiB() != null) {
            return List.of();
        }
        String pool = spec.nodePool();
        if (pool != null && sites.values().stream().noneMatch(site -> site.nodes().containsKey(pool))) {
            return List.of(new Violation("nodePool", "no node of any site is in pool '" + pool + "'; the pools are "
                    + (pools().isEmpty() ? "none (no node has a pool)" : String.join(", ", pools()))));
        }
        double perWorker = spec.gpu() == null ? 1 : spec.gpu();
        int workers = spec.workers();
        int wholeGpus = (int) Math.ceil(perWorker);
        int largestNode = 0;
        for (SiteShape site : sites.values()) {
            List<Integer> nodes = site.nodesFor(pool);
            long fitting = nodes.stream().filter(gpus -> gpus >= wholeGpus).count();
            if (fitting >= workers) {
                return List.of();
            }
            largestNode = Math.max(largestNode, nodes.stream().mapToInt(Integer::intValue).max().orElse(0));
        }
        String where = pool == null ? "" : " in pool '" + pool + "'";
        if (largestNode < wholeGpus) {
            return List.of(new Violation("gpu", wholeGpus + " GPUs on one node is more than any site has: its"
                    + " largest node" + where + " has " + largestNode));
        }
        return List.of(new Violation("workers", workers + " workers of " + wholeGpus + " GPUs each need " + workers
                + " nodes" + where + " with that many GPUs, and no site has as many: " + fittingNodes(pool,
                        wholeGpus)));
    }

    private String fittingNodes(String pool, int gpus) {
        List<String> counts = new ArrayList<>();
        new TreeMap<>(sites).forEach((name, site) -> counts.add(name + " " + site.nodesFor(pool).stream()
                .filter(nodeGpus -> nodeGpus >= gpus).count()));
        return String.join(", ", counts);
    }

    private Set<String> pools() {
        Set<String> pools = new TreeSet<>();
        sites.values().forEach(site -> site.nodes().keySet().stream()
                .filter(pool -> !pool.equals(SiteShape.NO_POOL)).forEach(pools::add));
        return pools;
    }

    /** A shape only when every site answered: a site that did not might be the one that runs the job. */
    public static Optional<ClusterShape> ofAll(Set<String> expectedSites, Map<String, SiteShape> answered) {
        if (expectedSites.isEmpty() || !answered.keySet().containsAll(expectedSites)) {
            return Optional.empty();
        }
        return Optional.of(new ClusterShape(answered));
    }
}
