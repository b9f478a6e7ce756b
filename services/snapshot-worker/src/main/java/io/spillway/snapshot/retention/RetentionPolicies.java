package io.spillway.snapshot.retention;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.runtime.Startup;
import io.spillway.snapshot.config.SnapshotWorkerConfig;
import io.spillway.snapshot.domain.RetentionPolicy;
import io.spillway.snapshot.domain.ServedSites;
import io.spillway.snapshot.domain.SnapshotException;
import io.spillway.snapshot.domain.SnapshotLayout;

/**
 * The configured policies ({@code spillway.snapshot.policies.*}), checked at start-up: a policy that names an unknown
 * site, an unusable filesystem or a rule out of range stops the worker with every problem listed, rather than
 * forgetting the wrong snapshots later. The worker runs those of the sites it serves.
 */
@Startup
@ApplicationScoped
public class RetentionPolicies {

    private static final Logger LOG = Logger.getLogger(RetentionPolicies.class);
    /** Policy names travel into periodic snapshot ids, {@code sched-<name>-<period>}, at most 128 characters. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Duration SHORTEST_EVERY = Duration.ofSeconds(1);

    private final List<Scoped> policies;

    public RetentionPolicies(SnapshotWorkerConfig.Snapshot config, ServedSites served) {
        List<Scoped> valid = validate(config.policies(), config.sites().keySet());
        this.policies = servedBy(valid, served);
        valid.stream().filter(policy -> !policies.contains(policy)).forEach(policy -> LOG.infof(
                "Policy %s governs %s, which this worker does not serve (%s): that site's worker runs it",
                policy.name(), policy.site(), served));
    }

    /** The policies this worker runs: those of the sites it serves. */
    public List<Scoped> all() {
        return policies;
    }

    /**
     * The policies of the served sites. Another site's policy is its own worker's: run here as well, it would forget
     * that site's snapshots and request its periodic ones from a worker that does not take them.
     */
    static List<Scoped> servedBy(List<Scoped> policies, ServedSites served) {
        return policies.stream().filter(policy -> served.serves(policy.site())).toList();
    }

    static List<Scoped> validate(Map<String, SnapshotWorkerConfig.Policy> configured, Set<String> sites) {
        List<String> problems = new ArrayList<>();
        List<Scoped> policies = new ArrayList<>();
        new TreeMap<>(configured).forEach((name, policy) -> {
            String prefix = "spillway.snapshot.policies." + name;
            int before = problems.size();
            if (!NAME.matcher(name).matches()) {
                problems.add(prefix + ": the name must be 1 to 64 letters, digits, '_' or '-' (it names snapshots)");
            }
            if (!sites.contains(policy.site())) {
                problems.add(prefix + ".site: '" + policy.site() + "' is not a configured site " + sites);
            }
            try {
                SnapshotLayout.requireSafeId(policy.filesystem());
            } catch (SnapshotException e) {
                problems.add(prefix + ".filesystem: '" + policy.filesystem() + "' is not a filesystem name");
            }
            if (policy.path().isPresent() && (policy.path().get().startsWith("/")
                    || List.of(policy.path().get().split("/")).contains(".."))) {
                problems.add(prefix + ".path: '" + policy.path().get()
                        + "' must be relative to the filesystem and not climb out of it");
            }
            if (policy.every().isPresent() && policy.every().get().compareTo(SHORTEST_EVERY) < 0) {
                problems.add(prefix + ".every: " + policy.every().get() + " is shorter than " + SHORTEST_EVERY);
            }
            if (policy.keepLast().isPresent() && policy.keepLast().getAsInt() < 1) {
                problems.add(prefix + ".keep-last: must be at least 1 (leave it out for no keep-last rule)");
            }
            if (policy.keepDaily().isPresent() && policy.keepDaily().getAsInt() < 1) {
                problems.add(prefix + ".keep-daily: must be at least 1 (leave it out for no keep-daily rule)");
            }
            if (policy.every().isEmpty() && policy.keepLast().isEmpty() && policy.keepDaily().isEmpty()) {
                problems.add(prefix + ": sets neither every, keep-last nor keep-daily, so it does nothing");
            }
            if (problems.size() == before) {
                policies.add(new Scoped(name, policy.site(), policy.filesystem(), policy.path(),
                        new RetentionPolicy(policy.every(), policy.keepLast().orElse(0),
                                policy.keepDaily().orElse(0))));
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid snapshot policies: " + String.join("; ", problems));
        }
        return List.copyOf(policies);
    }

    /** A policy and the site, filesystem and path it governs. */
    public record Scoped(String name, String site, String filesystem, Optional<String> path, RetentionPolicy policy) {

        /** The path as the catalogue and snapshot requests carry it: null for the whole filesystem. */
        public String pathOrNull() {
            return path.filter(p -> !p.isBlank()).orElse(null);
        }
    }
}
