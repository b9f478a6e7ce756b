package io.spillway.scheduler.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pure decision of a pass: which queued jobs the core sees, which fail, which reasons and signals change. */
class DeciderTest {

    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
    private static final List<Node> NO_NODES = List.of();

    @Test
    void offersAtMostFiveHundredBurstCandidatesOldestFirst() {
        List<QueuedJob> queue = new ArrayList<>(IntStream.range(0, 600)
                .mapToObj(i -> queued(String.format("job-%03d", i), i, train(1.0))).toList());
        Collections.reverse(queue);

        Decision decision = decider(10, 5).decide(input(NO_NODES, queue, false));

        Decision.Exceeded exceeded = assertInstanceOf(Decision.Exceeded.class, decision.queueChange().orElseThrow());
        assertEquals(600, exceeded.waiting());
        assertEquals(10, exceeded.threshold());
        assertEquals(Decider.MAX_BURST_CANDIDATES, exceeded.candidates().size());
        assertEquals(IntStream.range(0, 500).mapToObj(i -> String.format("job-%03d", i)).toList(),
                exceeded.candidates().stream().map(Decision.Candidate::jobId).toList());
    }

    @Test
    void leavesInteractiveUnburstableAndPolicyHeldJobsOutOfTheBurst() {
        List<QueuedJob> queue = List.of(
                queued("train", 1, new Requirements("team", Priority.TRAIN, 2.0, null, 2, null, true,
                        List.of("datasets", "results"))),
                queued("unburstable", 2, new Requirements("team", Priority.TRAIN, 1.0, null, 1, null, false,
                        List.of())),
                queued("interactive", 3, new Requirements("team", Priority.INTERACTIVE, 1.0, null, 1, null, true,
                        List.of())),
                queued("build", 4, new Requirements("team", Priority.BUILD, 0.5, null, 1, null, true, List.of())),
                queued("capped", 5, new Requirements("capped", Priority.TRAIN, 1.0, null, 1, null, true,
                        List.of())));
        List<ProjectQuota> projects = List.of(new ProjectQuota("team", 10, 1, null, null),
                new ProjectQuota("capped", 0, 1, 0.0, null));

        Decision decision = decider(1, 0).decide(new PassInput(new SiteState(List.of(), queue, projects, false),
                NO_NODES, Map.of(), T0));

        assertEquals(Wait.Kind.POLICY, decision.result().waiting().get("capped").kind());
        Decision.Exceeded exceeded = assertInstanceOf(Decision.Exceeded.class, decision.queueChange().orElseThrow());
        assertEquals(4, exceeded.waiting(), "the job held back by its project's limit does not count");
        assertEquals(List.of(new Decision.Candidate("train", "team", 4.0, List.of("datasets", "results"), null, 2.0, 2,
                true), new Decision.Candidate("build", "team", 0.5, List.of(), null, 0.5, 1, true)),
                exceeded.candidates());
    }

    @Test
    void countsTheGpusOfAllWorkersAShareAsItsShareAndGpuMemoryAsOneGpu() {
        assertEquals(8.0, Decider.demand(new PendingJob("gang", "p", Priority.TRAIN, new GpuRequest.Whole(4), 2, T0,
                null)));
        assertEquals(0.25, Decider.demand(new PendingJob("share", new GpuRequest.Shared(0.25), T0, null)));
        assertEquals(1.0, Decider.demand(new PendingJob("memory", new GpuRequest.Memory(20_000), T0, null)));
    }

    @Test
    void movesTheQueueSignalOnlyOnceTheDecisionIsCommitted() {
        Decider decider = decider(2, 1);
        PassInput crowded = input(NO_NODES, List.of(queued("a", 1, train(1.0)), queued("b", 2, train(1.0)),
                queued("c", 3, train(1.0))), false);

        assertInstanceOf(Decision.Exceeded.class, decider.decide(crowded).queueChange().orElseThrow());
        // Its commit failed: the next pass says it again.
        assertInstanceOf(Decision.Exceeded.class, decider.decide(crowded).queueChange().orElseThrow());
        decider.committed();
        assertEquals(Optional.empty(), decider.decide(crowded).queueChange(), "said once, not at every pass");
        decider.committed();

        Decision drained = decider.decide(input(NO_NODES, List.of(queued("a", 1, train(1.0))), false));

        assertEquals(Optional.of(new Decision.Drained(1, 1)), drained.queueChange());
    }

    @Test
    void startsFromTheSignalTheSiteStored() {
        Decider decider = decider(2, 1);

        assertEquals(Optional.empty(), decider.decide(input(NO_NODES, List.of(queued("a", 1, train(1.0)),
                queued("b", 2, train(1.0)), queued("c", 3, train(1.0))), true)).queueChange());
        assertEquals(Optional.of(new Decision.Drained(0, 1)), decider.decide(input(NO_NODES, List.of(), true))
                .queueChange());
    }

    @Test
    void failsQueuedJobsThatCanNeverBePlacedAndPlacesTheRest() {
        List<QueuedJob> queue = List.of(
                new QueuedJob("unreadable", T0, null, null),
                queued("one-and-a-half", 1, train(1.5)),
                queued("gang-of-shares", 2, new Requirements("default", Priority.TRAIN, 0.5, null, 2, null, true,
                        List.of())),
                queued("fine", 3, train(1.0)));

        Decision decision = decider(10, 5).decide(input(List.of(node("n0", 1)), queue, false));

        assertEquals(Map.of("unreadable", Decider.UNREADABLE_SPEC,
                "one-and-a-half", "gpu 1.5 is neither a share of one GPU (below 1) nor a whole number of GPUs",
                "gang-of-shares", "a gang of 2 workers needs whole GPUs per worker"), decision.unplaceable());
        assertEquals(List.of("unreadable", "one-and-a-half", "gang-of-shares"),
                List.copyOf(decision.unplaceable().keySet()), "in queue order");
        assertEquals(List.of(new Allocation("fine", "n0", List.of("0"), 1.0)), decision.result().allocations());
        assertTrue(decision.result().waiting().isEmpty());
    }

    @Test
    void leavesAJobThatWaitsForTheStorageAgentOutUntilItsWaitIsOver() {
        List<QueuedJob> queue = List.of(queued("mounting", 1, train(1.0)));
        Map<String, Instant> waits = Map.of("mounting", T0.plusSeconds(5));
        Decider decider = decider(10, 5);

        Decision during = decider.decide(new PassInput(new SiteState(List.of(), queue, List.of(), false),
                List.of(node("n0", 1)), waits, T0.plusSeconds(4)));
        Decision after = decider.decide(new PassInput(new SiteState(List.of(), queue, List.of(), false),
                List.of(node("n0", 1)), waits, T0.plusSeconds(5)));

        assertEquals(List.of(), during.result().allocations());
        assertEquals(Map.of(), during.reasons(), "it keeps the reason it was given");
        assertEquals(Map.of(), during.unplaceable());
        assertEquals(List.of("mounting"), List.copyOf(after.placements().keySet()));
    }

    @Test
    void announcesAReasonOnlyWhenItChanged() {
        Decider decider = decider(10, 5);
        Decision first = decider.decide(input(NO_NODES, List.of(queued("a", 1, train(1.0)),
                queued("b", 2, train(1.0))), false));
        String reasonOfA = first.reasons().get("a").reason();

        Decision second = decider.decide(input(NO_NODES, List.of(new QueuedJob("a", T0.plusSeconds(1), reasonOfA,
                train(1.0)), new QueuedJob("b", T0.plusSeconds(2), "an older reason", train(1.0))), false));

        assertEquals(List.of("a", "b"), List.copyOf(first.reasons().keySet()));
        assertEquals(List.of("b"), List.copyOf(second.reasons().keySet()));
    }

    @Test
    void jobsThisSiteCanNeverRunWaitWithTheirReasonAndDoNotMakeTheQueueOverflow() {
        List<QueuedJob> queue = IntStream.range(0, 12)
                .mapToObj(i -> queued("h200-" + i, i, inPool("h200", 1.0))).toList();

        Decision decision = decider(10, 5).decide(input(List.of(node("n0", 1)), queue, false));

        Wait wait = decision.result().waiting().get("h200-0");
        assertEquals(new Wait("no node in pool h200 at this site", Wait.Kind.NEVER_HERE), wait);
        assertEquals(0, decision.result().waitingForCapacity());
        assertEquals(Optional.empty(), decision.queueChange(), "twelve jobs that can run nowhere here start no burst");
    }

    @Test
    void aNodeTooSmallOrAGangThatDoesNotFitTheEmptySiteIsNeverHereAGangThatWaitsForBusyGpusIsNot() {
        List<Node> nodes = List.of(node("n0", 4), node("n1", 4));
        List<RunningJob> running = List.of(new RunningJob("busy", "default", Priority.INFERENCE, T0,
                List.of(new Allocation("busy", "n0", List.of("0"), 1.0)), false));
        List<QueuedJob> queue = List.of(
                queued("eight-on-one-node", 1, train(8.0)),
                queued("gang-of-three-fours", 2, gang(3, 4.0)),
                queued("gang-of-two-fours", 3, gang(2, 4.0)));

        Decision decision = decider(10, 5).decide(new PassInput(new SiteState(running, queue, List.of(), false), nodes,
                Map.of(), T0));

        Map<String, Wait> waiting = decision.result().waiting();
        assertEquals(new Wait("no node has 8 GPUs: the largest has 4", Wait.Kind.NEVER_HERE),
                waiting.get("eight-on-one-node"));
        assertEquals(Wait.Kind.NEVER_HERE, waiting.get("gang-of-three-fours").kind());
        assertEquals("its gang of 3 workers with 4 GPUs each does not fit this site even when every GPU is idle: its"
                + " nodes hold 2 such workers at most", waiting.get("gang-of-three-fours").reason());
        assertEquals(Wait.Kind.CAPACITY, waiting.get("gang-of-two-fours").kind(), "it fits once n0 is free again");
    }

    @Test
    void offersJobsThisSiteCanNeverRunToABurstFlaggedWithWhatABurstSiteMustOffer() {
        List<QueuedJob> queue = new ArrayList<>(IntStream.range(0, 11)
                .mapToObj(i -> queued("waits-" + i, 10 + i, train(1.0))).toList());
        queue.add(queued("h200-gang", 1, new Requirements("default", Priority.TRAIN, 8.0, null, 2, "h200", true,
                List.of("datasets"))));
        List<Node> busy = List.of(node("n0", 1));
        List<RunningJob> running = List.of(new RunningJob("busy", "default", Priority.INFERENCE, T0,
                List.of(new Allocation("busy", "n0", List.of("0"), 1.0)), false));

        Decision decision = decider(10, 5).decide(new PassInput(new SiteState(running, queue, List.of(), false), busy,
                Map.of(), T0));

        Decision.Exceeded exceeded = assertInstanceOf(Decision.Exceeded.class, decision.queueChange().orElseThrow());
        assertEquals(11, exceeded.waiting(), "the job for a pool this site lacks does not count");
        assertEquals(new Decision.Candidate("h200-gang", "default", 16.0, List.of("datasets"), "h200", 8.0, 2, false),
                exceeded.candidates().get(0));
        assertTrue(exceeded.candidates().stream().skip(1).allMatch(Decision.Candidate::runnableAtHome));
    }

    private static Requirements inPool(String pool, double gpu) {
        return new Requirements("default", Priority.TRAIN, gpu, null, 1, pool, true, List.of());
    }

    private static Requirements gang(int workers, double gpu) {
        return new Requirements("default", Priority.TRAIN, gpu, null, workers, null, true, List.of());
    }

    private static Decider decider(int threshold, int lowWatermark) {
        return new Decider(new Scheduler(Scheduler.DEFAULT_MAX_JOBS_PER_GPU), threshold, lowWatermark, Duration.ZERO);
    }

    private static PassInput input(List<Node> nodes, List<QueuedJob> queue, boolean queueExceeded) {
        return new PassInput(new SiteState(List.of(), queue, List.of(), queueExceeded), nodes, Map.of(), T0);
    }

    private static QueuedJob queued(String jobId, int submittedSecond, Requirements requirements) {
        return new QueuedJob(jobId, T0.plusSeconds(submittedSecond), null, requirements);
    }

    private static Requirements train(double gpu) {
        return new Requirements("default", Priority.TRAIN, gpu, null, 1, null, true, List.of());
    }

    private static Node node(String name, int gpus) {
        return new Node(name, "default", IntStream.range(0, gpus)
                .mapToObj(id -> new Gpu(Integer.toString(id), 81_920, "")).toList());
    }
}
