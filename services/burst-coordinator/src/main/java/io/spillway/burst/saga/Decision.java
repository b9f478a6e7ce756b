package io.spillway.burst.saga;

import java.util.List;

/**
 * What the saga decided for one input: the burst's new state (to persist) and the commands to send with it, in the
 * same transaction.
 *
 * @param state the burst after the input; {@code null} when the input opened no burst
 * @param changed whether {@code state} differs from what the adapter holds, so must be stored
 * @param note why nothing or less than asked happened, for the log; {@code null} when there is nothing to say
 */
public record Decision(BurstState state, boolean changed, List<SagaCommand> commands, String note) {

    public Decision {
        commands = List.copyOf(commands);
    }

    static Decision changed(BurstState state, List<SagaCommand> commands) {
        return new Decision(state, true, commands, null);
    }

    static Decision changed(BurstState state, List<SagaCommand> commands, String note) {
        return new Decision(state, true, commands, note);
    }

    static Decision unchanged(BurstState state, String note) {
        return new Decision(state, false, List.of(), note);
    }
}
