package io.spillway.scheduler.domain;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * Places pending jobs by fair share, in two rounds.
 *
 * <ol>
 * <li><b>Within quota.</b> By class (inference first), then submit time: every job that keeps its project within its
 * deserved GPUs. Non-preemptible jobs (inference, interactive, build) run only here: their project's
 * non-preemptible GPUs never exceed its deserved share.</li>
 * <li><b>Over quota.</b> Training jobs beyond their project's deserved share share the idle GPUs by over-quota
 * weight: the next job always comes from the project with the least over-quota use per unit of weight (quotas 3
 * and 1 with weights 3 and 1 end at 75% / 25% of the idle GPUs), and never past a project's limit.</li>
 * </ol>
 * Each job goes where it fits best (see {@link SchedulingSession#place}); a gang is placed whole or not at all. A
 * job that does not fit waits with a reason, and the jobs behind it still run if they fit.
 */
public final class AllocateAction implements SchedulingAction {

    @Override
    public void execute(SchedulingSession session) {
        Map<Shape, Failure> failedAt = new HashMap<>();
        Map<String, Deque<PendingJob>> overQuota = new LinkedHashMap<>();
        for (PendingJob job : session.queue()) {
            ProjectQuota quota = session.quota(job.project());
            // A job in a pool where its project has a share of its own is held to that share, counted there.
            String scope = quota.scopeOf(job.nodePool());
            SchedulingSession.ProjectUsage usage = session.usage(job.project(), scope);
            double deserved = quota.deservedIn(job.nodePool());
            String where = scope == null ? "" : " in pool " + scope;
            double demand = session.demand(job);
            if (!job.priority().mayRunOverQuota()) {
                if (usage.nonPreemptibleGpus() + demand > deserved + GpuUse.EPSILON) {
                    session.keepWaiting(job, new Wait(job.priority().wire() + " jobs run within their project's"
                            + " quota only: project " + job.project() + " holds " + gpus(usage.nonPreemptibleGpus())
                            + " of its " + gpus(deserved) + " deserved GPUs" + where + " in such jobs",
                            Wait.Kind.POLICY));
                    continue;
                }
                placeOrWait(session, job, failedAt, true);
            } else if (usage.gpus() + demand <= deserved + GpuUse.EPSILON) {
                placeOrWait(session, job, failedAt, true);
            } else {
                overQuota.computeIfAbsent(job.project(), project -> new ArrayDeque<>()).add(job);
            }
        }
        shareIdleGpus(session, overQuota, failedAt);
    }

    private static void shareIdleGpus(SchedulingSession session, Map<String, Deque<PendingJob>> overQuota,
            Map<Shape, Failure> failedAt) {
        PriorityQueue<String> projects = new PriorityQueue<>(Comparator
                .comparingDouble((String project) -> overQuotaUse(session, project))
                .thenComparing(Comparator.naturalOrder()));
        overQuota.forEach((project, jobs) -> {
            ProjectQuota quota = session.quota(project);
            if (quota.overQuotaWeight() <= 0) {
                for (PendingJob job : jobs) {
                    session.keepWaiting(job, new Wait("project " + project + " has no over-quota weight: it runs"
                            + " only within its " + gpus(quota.deservedGpus()) + " deserved GPUs", Wait.Kind.POLICY));
                }
            } else {
                projects.add(project);
            }
        });
        while (!projects.isEmpty()) {
            String project = projects.poll();
            Deque<PendingJob> jobs = overQuota.get(project);
            PendingJob job = jobs.poll();
            ProjectQuota quota = session.quota(project);
            String scope = quota.scopeOf(job.nodePool());
            Double limit = quota.limitIn(job.nodePool());
            double held = session.usage(project, scope).gpus();
            if (limit == null && scope != null) {
                limit = quota.limitGpus(); // a pool share without a limit of its own still obeys the site's
                held = session.usage(project).gpus();
            }
            if (limit != null && held + session.demand(job) > limit + GpuUse.EPSILON) {
                session.keepWaiting(job, new Wait("over project limit: project " + project + " holds " + gpus(held)
                        + " of its " + gpus(limit) + "-GPU limit" + (scope == null ? "" : " in pool " + scope),
                        Wait.Kind.POLICY));
            } else {
                placeOrWait(session, job, failedAt, false);
            }
            if (!jobs.isEmpty()) {
                projects.add(project);
            }
        }
    }

    /** Use beyond the deserved share per unit of weight: the project lowest on it is served next. */
    private static double overQuotaUse(SchedulingSession session, String project) {
        ProjectQuota quota = session.quota(project);
        return (session.usage(project).gpus() - quota.deservedGpus()) / quota.overQuotaWeight();
    }

    private static void placeOrWait(SchedulingSession session, PendingJob job, Map<Shape, Failure> failedAt,
            boolean entitled) {
        Shape shape = new Shape(job.request(), job.workers(), job.nodePool());
        Failure failed = failedAt.get(shape);
        // GPU use only grows while jobs are placed (a gang that does not fit gives back what it held), so a shape that
        // did not fit once does not fit for the rest of the action, and later jobs of that shape wait for the reason
        // found then. Trying and explaining it again after every placement scanned every GPU of the site once per job
        // that did not fit: a 7 s pass at 5,000 nodes and 50,000 waiting jobs, 1.3 s without (docs/benchmarks.md).
        if (failed == null) {
            Optional<List<Allocation>> placed = session.place(job);
            if (placed.isPresent()) {
                session.allocate(job, placed.get());
                return;
            }
            boolean never = PendingReasons.neverHere(session, job).isPresent();
            failed = new Failure(PendingReasons.explain(session, job), never ? Wait.Kind.NEVER_HERE : Wait.Kind.CAPACITY);
            failedAt.put(shape, failed);
        }
        Wait wait = new Wait(failed.reason(), failed.kind());
        // Reclaiming GPUs for a job this site can never run would stop other jobs for nothing.
        if (entitled && failed.kind() == Wait.Kind.CAPACITY) {
            session.keepWaitingEntitled(job, wait);
        } else {
            session.keepWaiting(job, wait);
        }
    }

    static String gpus(double count) {
        return PendingReasons.share(count);
    }

    /** What makes two jobs equally placeable. */
    private record Shape(GpuRequest request, int workers, String nodePool) {
    }

    private record Failure(String reason, Wait.Kind kind) {
    }

}
