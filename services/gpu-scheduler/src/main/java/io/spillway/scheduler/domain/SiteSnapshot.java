package io.spillway.scheduler.domain;

import java.util.List;

/** An immutable picture of the site at the start of a scheduling pass: its nodes, what is held, what waits. */
public record SiteSnapshot(List<Node> nodes, List<Allocation> allocations, List<PendingJob> pending) {

    public SiteSnapshot {
        nodes = List.copyOf(nodes);
        allocations = List.copyOf(allocations);
        pending = List.copyOf(pending);
    }
}
