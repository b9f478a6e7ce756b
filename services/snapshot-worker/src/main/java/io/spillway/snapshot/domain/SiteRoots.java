package io.spillway.snapshot.domain;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import io.spillway.snapshot.domain.SnapshotException.Reason;

/**
 * The filesystem roots of the sites this worker can read: {@code <root>/<filesystem>[/<path>]}. A path that would
 * climb out of its filesystem is refused, not clamped.
 */
public final class SiteRoots {

    private static final Pattern DNS_1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    private final Map<String, Path> roots = new TreeMap<>();

    public SiteRoots(Map<String, Path> roots) {
        roots.forEach((site, root) -> this.roots.put(site, root.toAbsolutePath().normalize()));
    }

    /**
     * The directory (or file) to snapshot.
     *
     * @param path inside the filesystem, {@code null} or empty for all of it
     * @throws SnapshotException {@link Reason#UNKNOWN_SITE} when no root is configured for the site,
     *         {@link Reason#INVALID_REQUEST} when the filesystem is not a valid name or the path leaves it
     */
    public Path resolve(String site, String filesystem, String path) {
        Path root = roots.get(site);
        if (root == null) {
            throw new SnapshotException(Reason.UNKNOWN_SITE, "No filesystem root is configured for site '" + site
                    + "' (spillway.snapshot.sites." + site + ".root); known sites: " + roots.keySet());
        }
        if (filesystem == null || filesystem.length() > 63 || !DNS_1123_LABEL.matcher(filesystem).matches()) {
            throw new SnapshotException(Reason.INVALID_REQUEST, "Filesystem name '" + filesystem
                    + "' is not a DNS-1123 label");
        }
        Path base = root.resolve(filesystem);
        if (path == null || path.isEmpty()) {
            return base;
        }
        Path relative = Path.of(path);
        Path resolved = base.resolve(relative).normalize();
        if (relative.isAbsolute() || !resolved.startsWith(base)) {
            throw new SnapshotException(Reason.INVALID_REQUEST, "Path '" + path + "' leaves filesystem '"
                    + filesystem + "' (it must be relative to the filesystem, without climbing out of it)");
        }
        return resolved;
    }
}
