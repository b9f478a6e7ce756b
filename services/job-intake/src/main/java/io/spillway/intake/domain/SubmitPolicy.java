package io.spillway.intake.domain;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The site-wide rules a job must fit, from configuration.
 *
 * @param gpuFractionStep the granularity in which the scheduler shares a GPU (0.05: 5%, 10%, ... 95%)
 * @param allowedMountRoots where volumes may be mounted in a job (a mount path is one of them or below one)
 * @param sites the sites a job may name; empty when none is configured, and then any well-formed name is taken
 */
public record SubmitPolicy(String defaultSite, double gpuFractionStep, List<String> allowedMountRoots,
        Set<String> sites) {

    /** Mount roots where jobs commonly expect their data; anything else (/, /etc, /usr...) is refused. */
    public static final List<String> DEFAULT_MOUNT_ROOTS = List.of("/data", "/datasets", "/results", "/outputs",
            "/checkpoints", "/models", "/workspace", "/scratch", "/mnt", "/home");

    public SubmitPolicy {
        if (gpuFractionStep <= 0 || gpuFractionStep >= 1) {
            throw new IllegalArgumentException("the GPU fraction step must be between 0 and 1, got "
                    + gpuFractionStep);
        }
        allowedMountRoots = List.copyOf(allowedMountRoots);
        sites = Set.copyOf(new TreeSet<>(sites));
    }

    public static SubmitPolicy defaults(String defaultSite) {
        return new SubmitPolicy(defaultSite, 0.05, DEFAULT_MOUNT_ROOTS, Set.of());
    }

    /** Whether a job may run at {@code site}: one of the configured sites, or any when none is configured. */
    public boolean knowsSite(String site) {
        return sites.isEmpty() || sites.contains(site);
    }

    /** The configured sites in name order, for a message that tells the user what to write. */
    public String siteNames() {
        return String.join(", ", new TreeSet<>(sites));
    }

    /** Whether {@code mountPath} (absolute, normalised by {@link VolumeSyntax}) is inside an allowed root. */
    public boolean allowsMountPath(String mountPath) {
        return allowedMountRoots.stream().anyMatch(root -> mountPath.equals(root) || mountPath.startsWith(
                root.endsWith("/") ? root : root + "/"));
    }
}
