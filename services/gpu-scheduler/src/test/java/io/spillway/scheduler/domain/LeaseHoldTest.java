package io.spillway.scheduler.domain;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.spillway.testing.PropertyRuns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When an instance may act for its site: granted terms, acting windows that end by themselves, and refusals. */
class LeaseHoldTest {

    private static final LeasePolicy POLICY = LeasePolicy.DEFAULT; // TTL 10 s, renew every 2 s, margin 3 s
    private static final LeaseTerm TERM = new LeaseTerm("onprem", "host-1-42-ab", 7);
    private static final long S = 1_000_000_000L;

    @Test
    void aStandbyActsUnderNoTerm() {
        assertEquals(Optional.empty(), LeaseHold.standby().actingTerm(0));
        assertFalse(LeaseHold.standby().leads(123 * S));
    }

    @Test
    void aGrantedLeaseIsActedUnderUntilTheTtlLessTheMarginAfterTheRequestWasSent() {
        LeaseHold hold = LeaseHold.standby().answered(POLICY, 100 * S, Optional.of(TERM));

        assertEquals(Optional.of(TERM), hold.actingTerm(100 * S));
        assertEquals(Optional.of(TERM), hold.actingTerm(107 * S - 1));
        assertEquals(Optional.empty(), hold.actingTerm(107 * S), "7 s after the send: 3 s before it can expire");
        assertEquals(Optional.of(TERM), hold.term(), "still the term to renew");
    }

    @Test
    void aSlowAnswerShortensTheWindowSinceItIsCountedFromTheSendNotTheAnswer() {
        // Sent at 100 s, answered at 105 s: the database may have set the expiry at 100 s + TTL.
        LeaseHold hold = LeaseHold.standby().answered(POLICY, 100 * S, Optional.of(TERM));

        assertTrue(hold.leads(105 * S));
        assertFalse(hold.leads(108 * S), "not until 105 s + 7 s");
    }

    @Test
    void aLeaderWhoseRenewalsGetNoAnswerDeposesItselfBeforeTheLeaseExpires() {
        // Renewed at 100 s; the renewals at 102, 104 and 106 s never come back (no answer leaves the hold as it is).
        LeaseHold hold = LeaseHold.standby().answered(POLICY, 100 * S, Optional.of(TERM));

        assertTrue(hold.leads(106 * S));
        assertFalse(hold.leads(107 * S));
        assertFalse(hold.leads(110 * S), "and the lease itself expires at 110 s at the earliest: 3 s later");
    }

    @Test
    void aRenewalThatAnotherInstanceHoldsTheLeaseAgainstStopsTheLeaderAtOnce() {
        LeaseHold hold = LeaseHold.standby().answered(POLICY, 100 * S, Optional.of(TERM));

        LeaseHold refused = hold.answered(POLICY, 102 * S, Optional.empty());

        assertFalse(refused.leads(102 * S));
        assertEquals(Optional.empty(), refused.term());
    }

    @Test
    void aLeaseTakenAgainUnderANewEpochIsANewTerm() {
        LeaseHold hold = LeaseHold.standby().answered(POLICY, 100 * S, Optional.of(TERM));
        LeaseTerm next = new LeaseTerm("onprem", TERM.holder(), 9);

        LeaseHold again = hold.answered(POLICY, 120 * S, Optional.of(next));

        assertEquals(Optional.of(next), again.actingTerm(120 * S));
    }

    @Test
    void renewalsEveryRenewIntervalKeepTheLeaderActingWithoutAGapWhateverTheirAnswerTimes() {
        PropertyRuns.forAll(200, random -> {
            long sent = random.nextLong(); // any point of the monotonic clock, wrap-around included
            LeaseHold hold = LeaseHold.standby().answered(POLICY, sent, Optional.of(TERM));
            for (int renewal = 0; renewal < 50; renewal++) {
                // The next renewal leaves at most renew-every later and is answered at some time before the window ends.
                long next = sent + (long) (random.nextDouble() * POLICY.renewEvery().toNanos());
                assertTrue(hold.leads(next), "acting when the next renewal leaves");
                hold = hold.answered(POLICY, next, Optional.of(TERM));
                sent = next;
            }
            assertTrue(hold.leads(sent + POLICY.actingWindow().toNanos() - 1));
            assertFalse(hold.leads(sent + POLICY.actingWindow().toNanos()));
        });
    }

    @Test
    void anAnswerToAnEarlierSendNeverShortensTheWindowALaterOneGranted() {
        LeaseHold hold = LeaseHold.standby().answered(POLICY, 104 * S, Optional.of(TERM));

        LeaseHold late = hold.answered(POLICY, 102 * S, Optional.of(TERM));

        assertTrue(late.leads(110 * S));
    }

    @Test
    void aPolicyWhoseRenewalsCannotLandInsideTheActingWindowIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new LeasePolicy(Duration.ofSeconds(10), Duration.ofSeconds(7), Duration.ofSeconds(3)));
        assertThrows(IllegalArgumentException.class,
                () -> new LeasePolicy(Duration.ofSeconds(10), Duration.ZERO, Duration.ofSeconds(3)));
        assertThrows(IllegalArgumentException.class,
                () -> new LeasePolicy(Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(-1)));
        assertEquals(Duration.ofSeconds(7), LeasePolicy.DEFAULT.actingWindow());
    }
}
