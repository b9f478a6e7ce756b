package io.spillway.intake.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The rules of snapshot and restore requests: DNS-1123 names, a site this installation knows, and paths that stay
 * inside the filesystem.
 */
public final class SnapshotRequests {

    private SnapshotRequests() {
    }

    /** A request to snapshot {@code path} (or the whole filesystem) of {@code filesystem} at {@code site}. */
    public record SnapshotRequest(String site, String filesystem, String path) {
    }

    /**
     * A request to restore a snapshot, named by id or by the locator of its manifest, at {@code site}.
     *
     * @param filesystem the filesystem to write; defaults to the snapshot's own
     * @param priorityPaths paths (relative to the filesystem) to bring online first
     */
    public record RestoreRequest(String snapshotId, String locator, String site, String filesystem,
            List<String> priorityPaths) {
    }

    public static List<Violation> validate(SnapshotRequest request, Set<String> sites) {
        List<Violation> violations = new ArrayList<>();
        requireSite(violations, request.site(), sites);
        requireLabel(violations, "filesystem", request.filesystem());
        if (request.path() != null) {
            relativePath(violations, "path", request.path());
        }
        return violations;
    }

    public static List<Violation> validate(RestoreRequest request, Set<String> sites) {
        List<Violation> violations = new ArrayList<>();
        boolean bySnapshot = request.snapshotId() != null && !request.snapshotId().isBlank();
        boolean byLocator = request.locator() != null && !request.locator().isBlank();
        if (bySnapshot == byLocator) {
            violations.add(new Violation("snapshotId", "give either snapshotId or locator, not "
                    + (bySnapshot ? "both" : "neither")));
        }
        requireSite(violations, request.site(), sites);
        if (request.filesystem() != null || byLocator && !bySnapshot) {
            // A locator alone does not say which filesystem to write.
            requireLabel(violations, "filesystem", request.filesystem());
        }
        List<String> paths = request.priorityPaths() == null ? List.of() : request.priorityPaths();
        for (int i = 0; i < paths.size(); i++) {
            relativePath(violations, "priorityPaths[" + i + "]", paths.get(i));
        }
        return violations;
    }

    private static void requireSite(List<Violation> violations, String site, Set<String> sites) {
        if (requireLabel(violations, "site", site) && !sites.contains(site)) {
            violations.add(new Violation("site", "unknown site '" + site + "'; the configured sites are "
                    + sites.stream().sorted().toList()));
        }
    }

    private static boolean requireLabel(List<Violation> violations, String field, String value) {
        if (value == null || value.isBlank()) {
            violations.add(new Violation(field, "is required"));
            return false;
        }
        if (!VolumeSyntax.isDns1123Label(value)) {
            violations.add(new Violation(field, "'" + value + "' must be a DNS-1123 label: lower-case letters, digits"
                    + " and '-', starting and ending with a letter or digit, at most 63 characters"));
            return false;
        }
        return true;
    }

    private static void relativePath(List<Violation> violations, String field, String path) {
        if (path.isBlank() || path.startsWith("/") || path.contains("\\") || path.chars().anyMatch(c -> c < 32)
                || List.of(path.split("/")).stream().anyMatch(part -> part.equals("..") || part.equals("."))) {
            violations.add(new Violation(field, "'" + path + "' must be a relative path inside the filesystem,"
                    + " without '..' or '.' segments, e.g. imagenet/train"));
        }
    }
}
