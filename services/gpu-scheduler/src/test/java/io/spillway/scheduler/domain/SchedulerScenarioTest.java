package io.spillway.scheduler.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The scheduler's decisions as a table: nodes, held allocations and pending jobs in; placements and pending reasons
 * out. Each row is named after the behaviour it pins.
 */
class SchedulerScenarioTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void decidesAsTheScenarioSays(Scenario scenario) {
        SchedulingResult result = new Scheduler(Scheduler.DEFAULT_MAX_JOBS_PER_GPU).schedule(scenario.snapshot());

        assertEquals(scenario.allocated, result.allocations(), "allocations");
        assertEquals(scenario.waiting, reasons(result), "waiting jobs and their reasons");
    }

    static Stream<Scenario> scenarios() {
        return Stream.of(
                scenario("places whole GPUs on one node that has enough of them")
                        .nodes(node("small", 1), node("big", 4))
                        .pending(job("a", 1, whole(2)))
                        .allocates(allocation("a", "big", 1.0, "0", "1")),

                scenario("never spreads whole GPUs over two nodes")
                        .nodes(node("n0", 2), node("n1", 2))
                        .held(allocation("x", "n0", 1.0, "0"), allocation("y", "n1", 1.0, "1"))
                        .pending(job("a", 1, whole(2)))
                        .waits("a", "no node with 2 free GPUs: at most 1 free on one node (n0)"),

                scenario("puts whole GPUs on the node with the fewest idle GPUs that fit, keeping big nodes free")
                        .nodes(node("big", 4), node("small", 2))
                        .pending(job("a", 1, whole(2)))
                        .allocates(allocation("a", "small", 1.0, "0", "1")),

                scenario("does not give a shared GPU away whole")
                        .nodes(node("n0", 2))
                        .held(allocation("x", "n0", 0.25, "0"))
                        .pending(job("a", 1, whole(1)))
                        .allocates(allocation("a", "n0", 1.0, "1")),

                scenario("packs shares onto one GPU while they fit")
                        .nodes(node("n0", 2))
                        .pending(job("a", 1, shared(0.5)), job("b", 2, shared(0.25)), job("c", 3, shared(0.25)))
                        .allocates(allocation("a", "n0", 0.5, "0"), allocation("b", "n0", 0.25, "0"),
                                allocation("c", "n0", 0.25, "0")),

                scenario("puts a share on the fullest GPU it still fits on (best fit)")
                        .nodes(node("n0", 3))
                        .held(allocation("x", "n0", 0.5, "0"), allocation("y", "n0", 0.75, "1"))
                        .pending(job("a", 1, shared(0.25)), job("b", 2, shared(0.5)))
                        .allocates(allocation("a", "n0", 0.25, "1"), allocation("b", "n0", 0.5, "0")),

                scenario("moves a share to the next GPU when it does not fit next to the others")
                        .nodes(node("n0", 2))
                        .held(allocation("x", "n0", 0.75, "0"))
                        .pending(job("a", 1, shared(0.5)))
                        .allocates(allocation("a", "n0", 0.5, "1")),

                scenario("fits shares that add up to exactly one GPU despite rounding")
                        .nodes(node("n0", 1))
                        .pending(job("a", 1, shared(0.1)), job("b", 2, shared(0.2)), job("c", 3, shared(0.7)))
                        .allocates(allocation("a", "n0", 0.1, "0"), allocation("b", "n0", 0.2, "0"),
                                allocation("c", "n0", 0.7, "0")),

                scenario("shares one GPU among at most 8 jobs")
                        .nodes(node("n0", 1))
                        .pending(tenths("j", 9))
                        .allocates(IntStream.rangeClosed(1, 8)
                                .mapToObj(i -> allocation("j" + i, "n0", 0.1, "0")).toArray(Allocation[]::new))
                        .waits("j9", "waiting for 0.1 of a GPU: every GPU with that much free already runs 8 jobs,"
                                + " the most one GPU is shared by"),

                scenario("opens a second GPU when the first already has 8 jobs")
                        .nodes(node("n0", 2))
                        .pending(tenths("j", 9))
                        .allocates(Stream.concat(
                                IntStream.rangeClosed(1, 8).mapToObj(i -> allocation("j" + i, "n0", 0.1, "0")),
                                Stream.of(allocation("j9", "n0", 0.1, "1"))).toArray(Allocation[]::new)),

                scenario("serves the queue in submit order, not in the order jobs were listed")
                        .nodes(node("n0", 2))
                        .pending(job("late", 2, whole(2)), job("early", 1, whole(2)))
                        .allocates(allocation("early", "n0", 1.0, "0", "1"))
                        .waits("late", "no node with 2 free GPUs: none is free"),

                scenario("does not hold a job that fits behind one that cannot")
                        .nodes(node("n0", 2))
                        .pending(job("huge", 1, whole(4)), job("small", 2, whole(1)))
                        .allocates(allocation("small", "n0", 1.0, "0"))
                        .waits("huge", "no node has 4 GPUs: the largest has 2"),

                scenario("says how many GPUs are free when a whole-GPU job waits")
                        .nodes(node("local-0", 2))
                        .held(allocation("x", "local-0", 1.0, "0", "1"))
                        .pending(job("a", 1, whole(1)))
                        .waits("a", "no node with 1 free GPU: none is free"),

                scenario("says how much of a GPU is free when a shared job waits")
                        .nodes(node("n0", 1))
                        .held(allocation("x", "n0", 0.75, "0"))
                        .pending(job("a", 1, shared(0.5)))
                        .waits("a", "waiting for 0.5 of a GPU: at most 0.25 of a GPU is free"),

                scenario("turns a GPU memory request into the matching share of a GPU")
                        .nodes(node("n0", 1))
                        .held(allocation("x", "n0", 0.25, "0"))
                        .pending(job("a", 1, memory(40960)), job("b", 2, memory(40960)))
                        .allocates(allocation("a", "n0", 0.5, "0"))
                        .waits("b", "waiting for 40960 MiB of GPU memory: at most 20480 MiB is free on a GPU"),

                scenario("says no GPU is large enough for a memory request beyond every GPU")
                        .nodes(node("n0", 1))
                        .pending(job("a", 1, memory(100_000)))
                        .waits("a", "no GPU has 100000 MiB of memory: the largest has 81920 MiB"),

                scenario("places a job of a node pool only on that pool's nodes")
                        .nodes(node("n0", 2), new Node("fat", "a100", gpus(2)))
                        .pending(new PendingJob("a", whole(1), at(1), "a100"), new PendingJob("b", whole(1), at(2), "h100"))
                        .allocates(allocation("a", "fat", 1.0, "0"))
                        .waits("b", "no node in pool h100 at this site"),

                scenario("counts held GPUs of a node that left the inventory as gone, not as free")
                        .nodes(node("n0", 1))
                        .held(allocation("x", "removed", 1.0, "0"))
                        .pending(job("a", 1, whole(1)))
                        .allocates(allocation("a", "n0", 1.0, "0")));
    }

    // --- the table's vocabulary

    static Scenario scenario(String behaviour) {
        return new Scenario(behaviour);
    }

    static Node node(String name, int gpuCount) {
        return new Node(name, "default", gpus(gpuCount));
    }

    static List<Gpu> gpus(int count) {
        return IntStream.range(0, count).mapToObj(i -> new Gpu(String.valueOf(i), 81920, "test GPU")).toList();
    }

    static PendingJob job(String id, int submittedSecond, GpuRequest request) {
        return new PendingJob(id, request, at(submittedSecond), null);
    }

    static PendingJob[] tenths(String prefix, int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> job(prefix + i, i, shared(0.1))).toArray(PendingJob[]::new);
    }

    static Instant at(int second) {
        return Instant.parse("2025-01-01T00:00:00Z").plusSeconds(second);
    }

    static GpuRequest whole(int count) {
        return new GpuRequest.Whole(count);
    }

    static GpuRequest shared(double fraction) {
        return new GpuRequest.Shared(fraction);
    }

    static GpuRequest memory(int mib) {
        return new GpuRequest.Memory(mib);
    }

    static Allocation allocation(String jobId, String node, double fraction, String... gpuIds) {
        return new Allocation(jobId, node, List.of(gpuIds), fraction);
    }

    /** One row: the site as it is, and what the scheduler must decide. */
    private static Map<String, String> reasons(SchedulingResult result) {
        Map<String, String> reasons = new java.util.LinkedHashMap<>();
        result.waiting().forEach((job, wait) -> reasons.put(job, wait.reason()));
        return reasons;
    }

    static final class Scenario {
        final String behaviour;
        final List<Node> nodes = new ArrayList<>();
        final List<Allocation> held = new ArrayList<>();
        final List<PendingJob> pending = new ArrayList<>();
        final List<Allocation> allocated = new ArrayList<>();
        final Map<String, String> waiting = new LinkedHashMap<>();

        Scenario(String behaviour) {
            this.behaviour = behaviour;
        }

        Scenario nodes(Node... values) {
            nodes.addAll(List.of(values));
            return this;
        }

        Scenario held(Allocation... values) {
            held.addAll(List.of(values));
            return this;
        }

        Scenario pending(PendingJob... values) {
            pending.addAll(List.of(values));
            return this;
        }

        Scenario allocates(Allocation... values) {
            allocated.addAll(List.of(values));
            return this;
        }

        Scenario waits(String jobId, String reason) {
            waiting.put(jobId, reason);
            return this;
        }

        SiteSnapshot snapshot() {
            return SiteSnapshot.of(nodes, held, pending);
        }

        @Override
        public String toString() {
            return behaviour;
        }
    }
}
