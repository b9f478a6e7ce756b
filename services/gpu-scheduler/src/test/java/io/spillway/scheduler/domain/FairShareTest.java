package io.spillway.scheduler.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fair share, quotas, limits, priority classes, reclaim, preemption and gangs, case by case. */
class FairShareTest {

    private static final Scheduler SCHEDULER = new Scheduler(Scheduler.DEFAULT_MAX_JOBS_PER_GPU);
    private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");

    @Test
    void idleGpusBeyondTheDeservedSharesAreDividedByOverQuotaWeight() {
        List<PendingJob> pending = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            pending.add(job("a" + i, "a", Priority.TRAIN, 1, i));
            pending.add(job("b" + i, "b", Priority.TRAIN, 1, i));
        }
        SchedulingResult result = schedule(List.of(node("n0", 4), node("n1", 4)), List.of(), pending,
                List.of(quota("a", 3, 3, null), quota("b", 1, 1, null)));

        // 4 deserved (3 + 1), 4 idle split 3:1: a ends with 6 of 8 GPUs, b with 2.
        assertEquals(Map.of("a", 6L, "b", 2L), allocatedByProject(result));
        assertEquals(12, result.waitingForCapacity());
    }

    @Test
    void aProjectBelowItsDeservedShareIsServedBeforeOlderOverQuotaJobs() {
        List<PendingJob> pending = List.of(job("b-old-1", "b", Priority.TRAIN, 1, 0),
                job("b-old-2", "b", Priority.TRAIN, 1, 1), job("a-new", "a", Priority.TRAIN, 1, 5));
        SchedulingResult result = schedule(List.of(node("n0", 2)), List.of(), pending,
                List.of(quota("a", 1, 1, null), quota("b", 0, 1, null)));

        assertEquals(List.of("a-new", "b-old-1"), jobsOf(result.allocations()));
        assertTrue(result.waiting().get("b-old-2").reason().startsWith("no node with 1 free GPU"),
                result.waiting().toString());
    }

    @Test
    void noProjectExceedsItsLimitAndWaitingForTheLimitIsPolicyNotCapacity() {
        List<PendingJob> pending = IntStream.range(0, 4).mapToObj(i -> job("a" + i, "a", Priority.TRAIN, 1, i))
                .toList();
        SchedulingResult result = schedule(List.of(node("n0", 8)), List.of(), pending,
                List.of(quota("a", 1, 1, 2.0)));

        assertEquals(2, result.allocations().size());
        Wait wait = result.waiting().get("a2");
        assertEquals(Wait.Kind.POLICY, wait.kind());
        assertEquals("over project limit: project a holds 2 of its 2-GPU limit", wait.reason());
        assertEquals(0, result.waitingForCapacity(), "held back by policy, not waiting for GPUs");
    }

    @Test
    void nonPreemptibleJobsRunWithinQuotaOnlyAndInferenceComesFirst() {
        List<PendingJob> pending = List.of(job("train", "a", Priority.TRAIN, 1, 0),
                job("interactive", "a", Priority.INTERACTIVE, 1, 1), job("build", "a", Priority.BUILD, 1, 2),
                job("inference", "a", Priority.INFERENCE, 1, 3));
        SchedulingResult result = schedule(List.of(node("n0", 8)), List.of(), pending,
                List.of(quota("a", 2, 1, null)));

        assertEquals(List.of("inference", "interactive", "train"), jobsOf(result.allocations()));
        Wait build = result.waiting().get("build");
        assertEquals(Wait.Kind.POLICY, build.kind());
        assertTrue(build.reason().startsWith("build jobs run within their project's quota only"), build.reason());
    }

    @Test
    void aProjectBelowItsShareReclaimsOverQuotaTrainingJobsNewestFirst() {
        List<RunningJob> running = List.of(run("b-old", "b", Priority.TRAIN, 0, "n0", "0"),
                run("b-mid", "b", Priority.TRAIN, 1, "n0", "1"), run("b-new", "b", Priority.TRAIN, 2, "n0", "2"),
                run("b-newest", "b", Priority.TRAIN, 3, "n0", "3"));
        SchedulingResult result = schedule(List.of(node("n0", 4)), running,
                List.of(job("a1", "a", Priority.TRAIN, 2, 10)), List.of(quota("a", 2, 1, null), quota("b", 1, 1, null)));

        assertEquals(List.of(), result.allocations(), "the victims still hold their GPUs until they stop");
        assertEquals(List.of("b-newest", "b-new"), result.preemptions().stream().map(Preemption::jobId).toList());
        assertTrue(result.preemptions().get(0).reason().contains("reclaimed for project a"),
                result.preemptions().get(0).reason());
        Wait wait = result.waiting().get("a1");
        assertEquals(Wait.Kind.RECLAIM, wait.kind());
        assertEquals("waiting for quota reclaim: preempting 2 jobs of project b", wait.reason());
    }

    @Test
    void amongEquallyCheapNodesReclaimTakesTheJobThatStartedLast() {
        List<RunningJob> running = List.of(run("b-older", "b", Priority.TRAIN, 0, "n0", "0"),
                run("b-newer", "b", Priority.TRAIN, 5, "n1", "0"));
        SchedulingResult result = schedule(List.of(node("n0", 1), node("n1", 1)), running,
                List.of(job("a1", "a", Priority.TRAIN, 1, 10)), List.of(quota("a", 1, 1, null), quota("b", 0, 1, null)));

        assertEquals(List.of("b-newer"), result.preemptions().stream().map(Preemption::jobId).toList());
    }

    @Test
    void reclaimNeverTakesAVictimBelowItsOwnShareNorTheReclaimerAboveItsShare() {
        List<RunningJob> running = List.of(run("b0", "b", Priority.TRAIN, 0, "n0", "0"),
                run("b1", "b", Priority.TRAIN, 1, "n0", "1"), run("b2", "b", Priority.TRAIN, 2, "n0", "2"),
                run("b3", "b", Priority.TRAIN, 3, "n0", "3"));
        // b deserves 3 of its 4: only one GPU may be reclaimed, and a asks for 2.
        SchedulingResult result = schedule(List.of(node("n0", 4)), running,
                List.of(job("a-two", "a", Priority.TRAIN, 2, 10)), List.of(quota("a", 2, 1, null),
                        quota("b", 3, 1, null)));
        assertEquals(List.of(), result.preemptions());
        assertEquals(Wait.Kind.CAPACITY, result.waiting().get("a-two").kind());

        // a deserves 1 and asks for 2: reclaiming for it would take it over its share.
        SchedulingResult overShare = schedule(List.of(node("n0", 4)), running,
                List.of(job("a-big", "a", Priority.TRAIN, 2, 10)), List.of(quota("a", 1, 1, null),
                        quota("b", 0, 1, null)));
        assertEquals(List.of(), overShare.preemptions());
    }

    @Test
    void reclaimOnlyHappensWhenThePlanWorks() {
        // b's over-quota jobs hold one GPU on each node; a needs 2 GPUs on one node, and a's own interactive job
        // (never preempted) holds the other GPU of each node.
        List<RunningJob> running = List.of(run("b0", "b", Priority.TRAIN, 0, "n0", "0"),
                run("b1", "b", Priority.TRAIN, 1, "n1", "0"),
                run("keep0", "c", Priority.INTERACTIVE, 0, "n0", "1"),
                run("keep1", "c", Priority.INTERACTIVE, 0, "n1", "1"));
        SchedulingResult result = schedule(List.of(node("n0", 2), node("n1", 2)), running,
                List.of(job("a-two", "a", Priority.TRAIN, 2, 10)),
                List.of(quota("a", 2, 1, null), quota("b", 0, 1, null), quota("c", 2, 1, null)));

        assertEquals(List.of(), result.preemptions(), "no eviction for a plan that would not place the job");
    }

    @Test
    void insideAProjectAHigherPriorityJobPreemptsTrainingButNeverAnotherClass() {
        List<RunningJob> running = List.of(run("own-train", "a", Priority.TRAIN, 0, "n0", "0"),
                run("own-build", "a", Priority.BUILD, 1, "n0", "1"));
        SchedulingResult result = schedule(List.of(node("n0", 2)), running,
                List.of(job("serve", "a", Priority.INFERENCE, 1, 5)), List.of(quota("a", 2, 1, null)));

        assertEquals(List.of("own-train"), result.preemptions().stream().map(Preemption::jobId).toList());
        assertEquals("waiting for 1 job of lower priority in project a to stop", result.waiting().get("serve")
                .reason());

        SchedulingResult sameClass = schedule(List.of(node("n0", 2)), running,
                List.of(job("train-2", "a", Priority.TRAIN, 1, 5)), List.of(quota("a", 2, 1, null)));
        assertEquals(List.of(), sameClass.preemptions(), "train does not preempt train");
    }

    @Test
    void jobsAlreadyStoppingAreCountedAsFreeSoNoSecondVictimIsTaken() {
        List<RunningJob> running = List.of(
                new RunningJob("b-stopping", "b", Priority.TRAIN, T0, List.of(alloc("b-stopping", "n0", "0")), true),
                run("b-other", "b", Priority.TRAIN, 1, "n0", "1"));
        SchedulingResult result = schedule(List.of(node("n0", 2)), running,
                List.of(job("a1", "a", Priority.TRAIN, 1, 5)), List.of(quota("a", 1, 1, null), quota("b", 0, 1, null)));

        assertEquals(List.of(), result.preemptions());
        assertEquals(Wait.Kind.RECLAIM, result.waiting().get("a1").kind());
    }

    @Test
    void aGangIsPlacedWholeOrHoldsNothing() {
        List<RunningJob> running = List.of(run("busy", "b", Priority.BUILD, 0, "n1", "0"));
        PendingJob gang = new PendingJob("gang", "a", Priority.TRAIN, new GpuRequest.Whole(2), 2, T0, null);
        PendingJob single = job("single", "a", Priority.TRAIN, 1, 5);
        SchedulingResult waiting = schedule(List.of(node("n0", 2), node("n1", 2)), running,
                List.of(gang, single), List.of(quota("a", 8, 1, null), quota("b", 1, 1, null)));

        // The gang's first worker would fit on n0, the second nowhere: it holds nothing, and the single job behind
        // it gets the GPU it would have blocked.
        assertEquals(List.of("single"), jobsOf(waiting.allocations()));
        assertTrue(waiting.waiting().get("gang").reason().contains("each of its 2 workers"),
                waiting.waiting().get("gang").reason());

        SchedulingResult placed = schedule(List.of(node("n0", 2), node("n1", 2)), List.of(), List.of(gang),
                List.of(quota("a", 8, 1, null)));
        assertEquals(2, placed.allocations().size());
        assertEquals(List.of("n0", "n1"), placed.allocations().stream().map(Allocation::node).sorted().toList());
    }

    @Test
    void aProjectWithoutOverQuotaWeightStaysWithinItsShare() {
        SchedulingResult result = schedule(List.of(node("n0", 4)), List.of(),
                List.of(job("a0", "a", Priority.TRAIN, 1, 0), job("a1", "a", Priority.TRAIN, 1, 1)),
                List.of(quota("a", 1, 0, null)));

        assertEquals(List.of("a0"), jobsOf(result.allocations()));
        assertEquals(Wait.Kind.POLICY, result.waiting().get("a1").kind());
    }

    @Test
    void aShareInANodePoolHoldsForJobsInThatPoolCountedThere() {
        List<Node> nodes = List.of(node("a100-0", "a100", 4), node("t4-0", "t4", 4));
        ProjectQuota vision = new ProjectQuota("vision", 0, 1, null, null,
                Map.of("a100", new ProjectQuota.PoolQuota(2, 2.0)));
        List<PendingJob> pending = List.of(pooled("a0", "vision", "a100", 0), pooled("a1", "vision", "a100", 1),
                pooled("a2", "vision", "a100", 2), pooled("t0", "vision", "t4", 3), pooled("t1", "vision", "t4", 4),
                pooled("t2", "vision", "t4", 5));

        SchedulingResult result = schedule(nodes, List.of(), pending, List.of(vision));

        assertEquals(List.of("a0", "a1", "t0", "t1", "t2"), jobsOf(result.allocations()));
        Wait a2 = result.waiting().get("a2");
        assertEquals(Wait.Kind.POLICY, a2.kind());
        assertEquals("over project limit: project vision holds 2 of its 2-GPU limit in pool a100", a2.reason());
    }

    @Test
    void aProjectBelowItsPoolShareReclaimsInThatPool() {
        List<Node> nodes = List.of(node("a100-0", "a100", 2));
        List<RunningJob> running = List.of(run("b0", "b", Priority.TRAIN, 0, "a100-0", "0"),
                run("b1", "b", Priority.TRAIN, 1, "a100-0", "1"));
        ProjectQuota vision = new ProjectQuota("vision", 0, 1, null, null,
                Map.of("a100", new ProjectQuota.PoolQuota(1, null)));

        SchedulingResult result = schedule(nodes, running, List.of(pooled("mine", "vision", "a100", 9)),
                List.of(vision, quota("b", 0, 1, null)));

        assertEquals(List.of("b1"), result.preemptions().stream().map(Preemption::jobId).toList());
    }

    private static SchedulingResult schedule(List<Node> nodes, List<RunningJob> running, List<PendingJob> pending,
            List<ProjectQuota> quotas) {
        return SCHEDULER.schedule(new SiteSnapshot(nodes, running, pending, quotas));
    }

    private static Map<String, Long> allocatedByProject(SchedulingResult result) {
        return result.allocations().stream().collect(Collectors.groupingBy(a -> a.jobId().substring(0, 1),
                Collectors.counting()));
    }

    private static List<String> jobsOf(List<Allocation> allocations) {
        return allocations.stream().map(Allocation::jobId).toList();
    }

    private static Node node(String name, int gpus) {
        return new Node(name, "default", IntStream.range(0, gpus)
                .mapToObj(i -> new Gpu(Integer.toString(i), 81920, "H100")).toList());
    }

    private static Node node(String name, String pool, int gpus) {
        return new Node(name, pool, IntStream.range(0, gpus)
                .mapToObj(i -> new Gpu(Integer.toString(i), 81920, "H100")).toList());
    }

    private static PendingJob pooled(String id, String project, String pool, int second) {
        return new PendingJob(id, project, Priority.TRAIN, new GpuRequest.Whole(1), 1, T0.plusSeconds(second), pool);
    }

    private static PendingJob job(String id, String project, Priority priority, int gpus, int second) {
        return new PendingJob(id, project, priority, new GpuRequest.Whole(gpus), 1, T0.plusSeconds(second), null);
    }

    private static RunningJob run(String id, String project, Priority priority, int second, String node,
            String gpu) {
        return new RunningJob(id, project, priority, T0.plusSeconds(second), List.of(alloc(id, node, gpu)), false);
    }

    private static Allocation alloc(String id, String node, String gpu) {
        return new Allocation(id, node, List.of(gpu), 1.0);
    }

    private static ProjectQuota quota(String name, double deserved, double weight, Double limit) {
        return new ProjectQuota(name, deserved, weight, limit, null);
    }
}
