package io.spillway.kit;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.CompositeException;
import io.spillway.kit.IncomingEvents.RejectedEvent;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IncomingEventsTest {

    @Test
    void aRejectedEventIsDeadLetteredAtOnceAlsoWhenItArrivesWrapped() {
        assertTrue(IncomingEvents.permanent(new RejectedEvent("INVALID_REQUEST: path")));
        assertTrue(IncomingEvents.permanent(new CompositeException(new IllegalStateException("the work failed"),
                new RejectedEvent("INVALID_REQUEST: path"))), "as a handler that reports and fails gives it");
        assertTrue(IncomingEvents.permanent(new IllegalStateException("wrapped", new RejectedEvent("bad"))));
    }

    @Test
    void aFailureThatMayPassIsRetried() {
        assertFalse(IncomingEvents.permanent(new IllegalStateException("the database does not answer")));
        assertFalse(IncomingEvents.permanent(new CompositeException(new IllegalStateException("one"),
                new IllegalStateException("two"))));
    }
}
