package io.spillway.scheduler.domain;

import java.time.Instant;
import java.util.Optional;

/**
 * Whether the home site gives up a job that a burst asks to move, and if not, why in words a user understands. Only
 * a job that still waits here, with no cancellation asked, is handed over; anything else stays where it is, so the
 * burst site never runs a job the home site already started, ended or was told to cancel.
 */
public final class HandOver {

    private HandOver() {
    }

    /**
     * @param job where the job stands at this site; empty when this site never queued it
     * @param site this site, the job's home
     * @param toSite the burst site the reroute asks for
     * @return empty when the job is (or already was) handed over to {@code toSite}; else the reason it stays
     */
    public static Optional<String> refusal(Optional<Position> job, String site, String toSite) {
        return byPosition(job, site, toSite);
    }

    /**
     * As {@link #refusal(Optional, String, String)}, for a reroute whose answer is due by {@code answerBy}: from then
     * on a job that still waits here stays here, since the burst has stopped waiting for it and would not follow it
     * to {@code toSite}. A job already handed over to {@code toSite} gets the same answer again.
     *
     * @param now this site's time
     * @param answerBy when the burst stops waiting for the answer, or {@code null} for never
     */
    public static Optional<String> refusal(Optional<Position> job, String site, String toSite, Instant now,
            Instant answerBy) {
        Optional<String> refusal = byPosition(job, site, toSite);
        if (refusal.isEmpty() && answerBy != null && now != null && !now.isBefore(answerBy)
                && job.get().state() == JobState.PENDING) {
            return Optional.of("the reroute to " + toSite + " came after its answer was due (" + answerBy
                    + "); the job stays queued at " + site);
        }
        return refusal;
    }

    private static Optional<String> byPosition(Optional<Position> job, String site, String toSite) {
        if (job.isEmpty()) {
            return Optional.of("not queued at " + site);
        }
        Position position = job.get();
        if (position.state() == JobState.REROUTED) {
            if (toSite.equals(position.handedOverTo())) {
                return Optional.empty();
            }
            return Optional.of("already handed over to "
                    + (position.handedOverTo() == null ? "another site" : position.handedOverTo()));
        }
        if (position.cancelRequested() || position.state() == JobState.CANCELLED) {
            return Optional.of("cancelled at " + site);
        }
        return switch (position.state()) {
            case PENDING -> Optional.empty();
            case ALLOCATED -> Optional.of("already given GPUs at " + site + ", about to start");
            case RUNNING -> Optional.of("already running at " + site);
            default -> Optional.of("already ended at " + site + " (" + position.state() + ")");
        };
    }

    /**
     * Where a job stands at this site when a reroute of it arrives.
     *
     * @param handedOverTo the site it was handed over to, when it is {@link JobState#REROUTED}
     */
    public record Position(JobState state, boolean cancelRequested, String handedOverTo) {
    }
}
