package io.spillway.scheduler.domain;

import java.util.Optional;

/**
 * What one scheduler instance holds of its site's lease, and whether it may act now: the pure decision behind
 * active/standby. A standby tries to take the lease every {@link LeasePolicy#renewEvery()}, a leader renews it as
 * often; each answer of the database (a term held, or none) gives the next hold. A leader acts until its acting window
 * ends ({@link LeasePolicy#actingWindow()} after it sent its last granted renewal) and is deposed by itself then, even
 * if no answer came at all: it never relies on hearing that it lost. Times are a monotonic clock's nanoseconds
 * ({@code System.nanoTime()}), compared by difference so that their wrap-around does not matter.
 */
public final class LeaseHold {

    private static final LeaseHold STANDBY = new LeaseHold(null, 0);

    /** The term granted last, or {@code null} on a standby. */
    private final LeaseTerm term;
    private final long actingUntilNanos;

    private LeaseHold(LeaseTerm term, long actingUntilNanos) {
        this.term = term;
        this.actingUntilNanos = actingUntilNanos;
    }

    /** An instance that holds nothing: it runs no pass and starts no process. */
    public static LeaseHold standby() {
        return STANDBY;
    }

    /**
     * The hold after the database answered a renewal (or a try to take the lease) sent at {@code sentAtNanos}: the term
     * it grants, acting until the acting window from the send ends; or, when someone else holds the lease, a standby
     * at once.
     */
    public LeaseHold answered(LeasePolicy policy, long sentAtNanos, Optional<LeaseTerm> granted) {
        if (granted.isEmpty()) {
            return STANDBY;
        }
        long until = sentAtNanos + policy.actingWindow().toNanos();
        // An earlier send cannot shorten a window a later one already granted under the same term.
        if (granted.get().equals(term) && until - actingUntilNanos < 0) {
            return this;
        }
        return new LeaseHold(granted.get(), until);
    }

    /** The term under which this instance may act at {@code nowNanos}: empty on a standby and once the window ended. */
    public Optional<LeaseTerm> actingTerm(long nowNanos) {
        return term != null && nowNanos - actingUntilNanos < 0 ? Optional.of(term) : Optional.empty();
    }

    /** Whether this instance was granted the lease and its acting window has not ended at {@code nowNanos}. */
    public boolean leads(long nowNanos) {
        return actingTerm(nowNanos).isPresent();
    }

    /** The term granted last, even after its window ended: the one to renew. */
    public Optional<LeaseTerm> term() {
        return Optional.ofNullable(term);
    }

    @Override
    public String toString() {
        return term == null ? "standby" : "holding " + term + " until " + actingUntilNanos;
    }
}
