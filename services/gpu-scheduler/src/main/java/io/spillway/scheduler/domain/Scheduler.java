package io.spillway.scheduler.domain;

import java.util.List;

/**
 * The scheduler's pure core: a site snapshot in, decisions out. The actions of a pass are registered here, in
 * order, and nothing else decides where a job runs.
 */
public final class Scheduler {

    /** At most this many jobs share one GPU by default. */
    public static final int DEFAULT_MAX_JOBS_PER_GPU = 8;

    private final int maxJobsPerGpu;
    private final List<SchedulingAction> actions;

    public Scheduler(int maxJobsPerGpu) {
        this(maxJobsPerGpu, List.of(new AllocateAction(), new ReclaimAction()));
    }

    Scheduler(int maxJobsPerGpu, List<SchedulingAction> actions) {
        if (maxJobsPerGpu < 1) {
            throw new IllegalArgumentException("maxJobsPerGpu must be at least 1, not " + maxJobsPerGpu);
        }
        this.maxJobsPerGpu = maxJobsPerGpu;
        this.actions = List.copyOf(actions);
    }

    public SchedulingResult schedule(SiteSnapshot snapshot) {
        SchedulingSession session = new SchedulingSession(snapshot, maxJobsPerGpu);
        for (SchedulingAction action : actions) {
            action.execute(session);
        }
        return session.result();
    }
}
