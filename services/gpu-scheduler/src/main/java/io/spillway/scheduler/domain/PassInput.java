package io.spillway.scheduler.domain;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one scheduling pass decides from, fixed before it starts: the site's state, its nodes, the jobs that
 * sit out the passes until the storage-agent answers, and the time.
 *
 * @param storageWaits job id to the time before which that job is left out of the passes
 */
public record PassInput(SiteState state, List<Node> nodes, Map<String, Instant> storageWaits, Instant now) {

    public PassInput {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(now, "now");
        nodes = List.copyOf(nodes);
        storageWaits = Map.copyOf(storageWaits);
    }
}
