package io.spillway.scheduler.domain;

/**
 * One step of a scheduling pass (allocate now; reclaim, preempt and consolidate later), run in the order the
 * {@link Scheduler} registers them, each reading and changing the same session.
 */
public interface SchedulingAction {

    void execute(SchedulingSession session);
}
