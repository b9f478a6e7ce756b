package io.spillway.scheduler.domain;

/**
 * Refuses a write, or a process start, of a scheduler instance that no longer holds its site's lease under the term
 * it acts under: the transaction rolls back and nothing of it is visible.
 */
public class LeaseLost extends RuntimeException {

    public LeaseLost(String message) {
        super(message);
    }
}
