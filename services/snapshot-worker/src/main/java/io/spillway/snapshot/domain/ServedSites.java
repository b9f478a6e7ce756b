package io.spillway.snapshot.domain;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The sites whose requests this worker takes: snapshots of their filesystems, restores into them, deletes of their
 * snapshots and their policies. A request for any other site belongs to that site's worker, next to its storage.
 */
public final class ServedSites {

    private final Set<String> sites;

    private ServedSites(Set<String> sites) {
        this.sites = Set.copyOf(sites);
    }

    /**
     * Checks the configured sites against the roots, so a worker that could not do its work does not start.
     *
     * @param served the sites to serve ({@code spillway.snapshot.serves})
     * @param rooted the sites with a filesystem root ({@code spillway.snapshot.sites.<site>.root})
     * @throws IllegalArgumentException naming the settings, when none is served or a served site has no root
     */
    public static ServedSites of(Collection<String> served, Set<String> rooted) {
        Set<String> sites = new TreeSet<>();
        served.stream().map(String::trim).filter(site -> !site.isEmpty()).forEach(sites::add);
        List<String> problems = new ArrayList<>();
        if (sites.isEmpty()) {
            problems.add("spillway.snapshot.serves names no site: a worker serves at least one (by default its own,"
                    + " spillway.site)");
        }
        for (String site : sites) {
            if (!rooted.contains(site)) {
                problems.add("spillway.snapshot.serves names '" + site + "', which has no root: set"
                        + " spillway.snapshot.sites." + site + ".root to the directory holding " + site
                        + "'s filesystems (roots are set for " + new TreeSet<>(rooted) + ")");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid served sites: " + String.join("; ", problems));
        }
        return new ServedSites(sites);
    }

    /** Whether requests for {@code site} are this worker's to take. */
    public boolean serves(String site) {
        return site != null && sites.contains(site);
    }

    /** The served sites, sorted. */
    public Set<String> sites() {
        return new TreeSet<>(sites);
    }

    @Override
    public String toString() {
        return sites().toString();
    }
}
