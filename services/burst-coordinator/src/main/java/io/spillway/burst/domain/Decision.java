package io.spillway.burst.domain;

import java.util.List;

/**
 * What the saga decided for one event: the burst's new state (to persist) and the commands to send with it, in
 * the same transaction.
 *
 * @param burst the burst after the event; {@code null} when the event concerned no burst
 * @param note why nothing changed, for the log; {@code null} otherwise
 */
public record Decision(Outcome outcome, Burst burst, List<Command> commands, String note) {

    public Decision {
        commands = List.copyOf(commands);
    }

    /** What became of the event. */
    public enum Outcome {
        /** A new burst: insert it. */
        OPENED,
        /** An existing burst changed: update it. */
        UPDATED,
        /** Nothing to store or send. */
        UNCHANGED
    }

    static Decision opened(Burst burst, List<Command> commands) {
        return new Decision(Outcome.OPENED, burst, commands, null);
    }

    static Decision updated(Burst burst) {
        return new Decision(Outcome.UPDATED, burst, List.of(), null);
    }

    static Decision unchanged(Burst burst, String note) {
        return new Decision(Outcome.UNCHANGED, burst, List.of(), note);
    }
}
