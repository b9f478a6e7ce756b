package io.spillway.burst.domain;

/** What the saga asks the rest of the platform to do; adapters turn each into an event. */
public sealed interface Command {

    /** Snapshot {@code filesystem} at {@code site} (all of it) for burst {@code burstId}. */
    record RequestSnapshot(String snapshotId, String site, String filesystem, String burstId) implements Command {
    }
}
