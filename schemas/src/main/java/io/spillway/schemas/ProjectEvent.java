package io.spillway.schemas;

import java.util.Map;

/**
 * A project's share of the GPUs, on {@link Topics#PROJECTS}, keyed by project name. The topic is compacted: its last
 * event per project is that project's state, so a scheduler that starts later reads every project from the start.
 */
public sealed interface ProjectEvent extends SpillwayEvent {

    String project();

    @Override
    default String subject() {
        return project();
    }

    /**
     * A project was created or its shares changed; the event carries its whole state, not the change.
     *
     * @param limitGpus {@code null} for no limit
     * @param department optional grouping of projects above them
     * @param pools shares in single node pools, by pool name; empty when the site-wide share holds everywhere
     */
    record ProjectUpdated(String project, double deservedGpus, double overQuotaWeight, Double limitGpus,
            String department, Map<String, PoolShare> pools) implements ProjectEvent {

        public ProjectUpdated {
            pools = pools == null ? Map.of() : Map.copyOf(pools);
        }

        /** A project with site-wide shares only. */
        public ProjectUpdated(String project, double deservedGpus, double overQuotaWeight, Double limitGpus,
                String department) {
            this(project, deservedGpus, overQuotaWeight, limitGpus, department, Map.of());
        }
    }

    /** The project no longer exists; its jobs had all ended. */
    record ProjectDeleted(String project) implements ProjectEvent {
    }
}
