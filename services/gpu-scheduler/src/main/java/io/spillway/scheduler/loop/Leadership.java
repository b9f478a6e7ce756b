package io.spillway.scheduler.loop;

import java.util.Optional;

import io.spillway.scheduler.domain.LeaseTerm;

/** Whether this scheduler instance leads its site now, and under which term: what the loop asks before it acts. */
public interface Leadership {

    /**
     * The term under which this instance may act now: empty on a standby, and on a leader whose acting window has
     * ended (it could not renew in time, and stops acting before anyone else can take the lease).
     */
    Optional<LeaseTerm> actingTerm();
}
