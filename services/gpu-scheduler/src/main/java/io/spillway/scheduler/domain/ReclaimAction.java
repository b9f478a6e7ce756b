package io.spillway.scheduler.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Frees GPUs for waiting jobs that are entitled to them: a project below its deserved share takes back GPUs that
 * other projects use beyond theirs (reclaim), and inside a project a job of a higher class displaces training jobs
 * (priority preemption). Only {@code train} jobs are ever preempted.
 *
 * <p>
 * Every plan is a what-if first: the victims' GPUs are released in the session, the waiting job must then fit on
 * that node, and everything is held again before the plan is recorded, so no job is evicted for a plan that would
 * not work. A victim project never falls below its own deserved share, and a reclaiming project never goes above
 * its. Jobs already stopping count as free GPUs first, so a slow-to-stop victim is not joined by another. Gangs do
 * not reclaim yet; they wait for GPUs to free up.
 */
public final class ReclaimAction implements SchedulingAction {

    /** Reclaim is tried for this many waiting jobs per pass at most, so a long queue cannot make a pass slow. */
    static final int MAX_ATTEMPTS = 64;

    @Override
    public void execute(SchedulingSession session) {
        if (session.entitled().isEmpty() || session.running().isEmpty()) {
            return;
        }
        Map<String, List<RunningJob>> byNode = new HashMap<>();
        for (RunningJob job : session.running()) {
            for (String node : new LinkedHashSet<>(job.allocations().stream().map(Allocation::node).toList())) {
                byNode.computeIfAbsent(node, key -> new ArrayList<>()).add(job);
            }
        }
        Set<String> promised = new HashSet<>();
        int attempts = 0;
        for (PendingJob job : List.copyOf(session.entitled())) {
            if (job.isGang() || attempts >= MAX_ATTEMPTS) {
                continue;
            }
            attempts++;
            if (!stillEntitled(session, job)) {
                continue;
            }
            Optional<Plan> plan = bestPlan(session, job, byNode, promised);
            if (plan.isEmpty()) {
                continue;
            }
            Plan chosen = plan.get();
            chosen.frees().forEach(victim -> promised.add(victim.jobId()));
            List<RunningJob> victims = chosen.frees().stream().filter(victim -> !victim.stopping()).toList();
            if (victims.isEmpty()) {
                session.keepWaiting(job, new Wait("waiting for GPUs that stopping jobs release on "
                        + chosen.node().name(), Wait.Kind.RECLAIM));
                continue;
            }
            for (RunningJob victim : victims) {
                session.preempt(victim, job, victim.project().equals(job.project())
                        ? "preempted by " + job.priority().wire() + " job " + job.jobId() + " of the same project"
                        : "reclaimed for project " + job.project() + ", below its deserved "
                                + AllocateAction.gpus(session.quota(job.project()).deservedGpus()) + " GPUs");
            }
            session.keepWaiting(job, new Wait(waitReason(job, victims), Wait.Kind.RECLAIM));
        }
    }

    private static boolean stillEntitled(SchedulingSession session, PendingJob job) {
        ProjectQuota quota = session.quota(job.project());
        SchedulingSession.ProjectUsage usage = session.usage(job.project(), quota.scopeOf(job.nodePool()));
        double deserved = quota.deservedIn(job.nodePool());
        double held = job.priority().preemptible() ? usage.gpus() : usage.nonPreemptibleGpus();
        return held + session.demand(job) <= deserved + GpuUse.EPSILON;
    }

    /** The node where the fewest GPUs must be preempted for {@code job} to fit, and those victims. */
    private static Optional<Plan> bestPlan(SchedulingSession session, PendingJob job,
            Map<String, List<RunningJob>> byNode, Set<String> promised) {
        Plan best = null;
        for (Node node : session.nodesFor(job)) {
            List<RunningJob> here = byNode.get(node.name());
            if (here == null) {
                continue;
            }
            List<RunningJob> candidates = candidates(session, job, here, promised);
            if (!couldFit(session, job, node, candidates)) {
                continue;
            }
            Optional<Plan> plan = planOn(session, job, node, candidates);
            if (plan.isPresent() && (best == null || plan.get().betterThan(best))) {
                best = plan.get();
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * A cheap bound before the what-if: whole GPUs can only come from idle GPUs and GPUs the candidates hold; on a
     * site of thousands of nodes most nodes are ruled out here.
     */
    private static boolean couldFit(SchedulingSession session, PendingJob job, Node node,
            List<RunningJob> candidates) {
        if (!(job.request() instanceof GpuRequest.Whole whole)) {
            return !candidates.isEmpty();
        }
        if (node.gpus().size() < whole.count()) {
            return false;
        }
        Set<String> freeable = new HashSet<>();
        for (RunningJob victim : candidates) {
            for (Allocation allocation : victim.allocations()) {
                if (allocation.node().equals(node.name())) {
                    freeable.addAll(allocation.gpuIds());
                }
            }
        }
        return session.idleOn(node) + freeable.size() >= whole.count();
    }

    /** Who may give way for {@code job} on one node, cheapest first: stopping jobs, then others, then its own. */
    private static List<RunningJob> candidates(SchedulingSession session, PendingJob job, List<RunningJob> here,
            Set<String> promised) {
        List<RunningJob> stopping = new ArrayList<>();
        List<RunningJob> others = new ArrayList<>();
        List<RunningJob> own = new ArrayList<>();
        for (RunningJob victim : here) {
            if (promised.contains(victim.jobId())) {
                continue;
            }
            if (victim.stopping()) {
                stopping.add(victim);
            } else if (!victim.priority().preemptible()) {
                continue;
            } else if (!victim.project().equals(job.project())) {
                others.add(victim);
            } else if (job.priority().rank() > victim.priority().rank()) {
                own.add(victim);
            }
        }
        Comparator<RunningJob> newestFirst = Comparator.comparing(RunningJob::startedAt).reversed();
        others.sort(Comparator.comparingDouble((RunningJob victim) -> -overQuotaRatio(session, victim.project()))
                .thenComparing(newestFirst));
        own.sort(newestFirst);
        List<RunningJob> ordered = new ArrayList<>(stopping);
        ordered.addAll(others);
        ordered.addAll(own);
        return ordered;
    }

    /** Releases victims one by one until the job fits on {@code node}; then holds everything again. */
    private static Optional<Plan> planOn(SchedulingSession session, PendingJob job, Node node,
            List<RunningJob> candidates) {
        List<RunningJob> chosen = new ArrayList<>();
        Map<String, Double> takenFrom = new HashMap<>();
        boolean fits = session.fitsOn(node, job.request());
        try {
            for (RunningJob victim : candidates) {
                if (fits) {
                    break;
                }
                if (!victim.stopping() && !victim.project().equals(job.project())) {
                    // A project over its share gives way only down to its own deserved GPUs.
                    double after = session.usage(victim.project()).gpus()
                            - takenFrom.getOrDefault(victim.project(), 0.0) - victim.gpus();
                    if (after < session.quota(victim.project()).deservedGpus() - GpuUse.EPSILON) {
                        continue;
                    }
                    takenFrom.merge(victim.project(), victim.gpus(), Double::sum);
                }
                victim.allocations().forEach(session::release);
                chosen.add(victim);
                fits = session.fitsOn(node, job.request());
            }
        } finally {
            chosen.forEach(victim -> victim.allocations().forEach(session::hold));
        }
        if (!fits || chosen.isEmpty()) {
            return Optional.empty();
        }
        double cost = chosen.stream().filter(victim -> !victim.stopping()).mapToDouble(RunningJob::gpus).sum();
        return Optional.of(new Plan(node, chosen, cost));
    }

    private static double overQuotaRatio(SchedulingSession session, String project) {
        ProjectQuota quota = session.quota(project);
        double over = session.usage(project).gpus() - quota.deservedGpus();
        return quota.overQuotaWeight() <= 0 ? Double.MAX_VALUE : over / quota.overQuotaWeight();
    }

    private static String waitReason(PendingJob job, List<RunningJob> victims) {
        TreeSet<String> projects = new TreeSet<>(victims.stream().map(RunningJob::project).toList());
        String count = victims.size() + " job" + (victims.size() == 1 ? "" : "s");
        if (projects.size() == 1 && projects.first().equals(job.project())) {
            return "waiting for " + count + " of lower priority in project " + job.project() + " to stop";
        }
        return "waiting for quota reclaim: preempting " + count + " of project" + (projects.size() == 1 ? " " : "s ")
                + String.join(", ", projects);
    }

    /** Preempting {@code frees} lets the job run on {@code node}; {@code cost} is the GPUs taken from running jobs. */
    private record Plan(Node node, List<RunningJob> frees, double cost) {

        /** Fewer GPUs taken; among equals, the plan whose victims started most recently loses the least work. */
        boolean betterThan(Plan other) {
            if (Math.abs(cost - other.cost) > GpuUse.EPSILON) {
                return cost < other.cost;
            }
            return oldestVictim().isAfter(other.oldestVictim());
        }

        private java.time.Instant oldestVictim() {
            return frees.stream().filter(victim -> !victim.stopping()).map(RunningJob::startedAt)
                    .min(Comparator.naturalOrder()).orElse(java.time.Instant.MAX);
        }
    }
}
