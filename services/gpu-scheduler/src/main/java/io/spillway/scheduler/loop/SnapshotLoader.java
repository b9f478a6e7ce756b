package io.spillway.scheduler.loop;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.spillway.scheduler.domain.Node;
import io.spillway.scheduler.domain.PassInput;
import io.spillway.scheduler.domain.Statement;
import io.spillway.scheduler.inventory.SiteInventory;

/**
 * Builds the immutable input of a pass: the queue, the held allocations and the projects as the pass's statement
 * reads them (under its lock), the site's nodes, the jobs waiting for the storage-agent, and the time.
 */
@ApplicationScoped
public class SnapshotLoader {

    private final Supplier<List<Node>> nodes;
    private final Supplier<Map<String, Instant>> storageWaits;
    private final Clock clock;

    @Inject
    public SnapshotLoader(SiteInventory inventory, RunTracker runs) {
        this(inventory::nodes, runs::storageWaits, Clock.systemUTC());
    }

    SnapshotLoader(Supplier<List<Node>> nodes, Supplier<Map<String, Instant>> storageWaits, Clock clock) {
        this.nodes = nodes;
        this.storageWaits = storageWaits;
        this.clock = clock;
    }

    /** The input of the pass that {@code statement} belongs to. */
    public PassInput load(Statement statement) {
        return new PassInput(statement.read(), nodes.get(), storageWaits.get(), clock.instant());
    }
}
