package io.spillway.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import io.spillway.scheduler.domain.Allocation;
import io.spillway.scheduler.domain.GpuRequest;
import io.spillway.scheduler.domain.Node;
import io.spillway.scheduler.domain.PendingJob;
import io.spillway.scheduler.domain.Priority;
import io.spillway.scheduler.domain.ProjectQuota;
import io.spillway.scheduler.domain.RunningJob;
import io.spillway.scheduler.domain.Scheduler;
import io.spillway.scheduler.domain.SchedulingResult;
import io.spillway.scheduler.domain.SiteSnapshot;
import io.spillway.scheduler.domain.Wait;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark measures the site it claims to: its shape, its load and its queue, and a pass that decides it all. */
class SyntheticSiteTest {

    private static final int NODES = 1000;
    private static final int WAITING = 10_000;
    private static final SiteSnapshot SITE = SyntheticSite.generate(NODES, WAITING, SchedulerBenchmark.SEED);
    private static final int SITE_GPUS = NODES * SyntheticSite.GPUS_PER_NODE;

    @Test
    void hasEightGpusPerNodeInTwoPools() {
        assertEquals(NODES, SITE.nodes().size());
        assertTrue(SITE.nodes().stream().allMatch(node -> node.gpus().size() == 8
                && node.gpus().stream().allMatch(gpu -> gpu.memoryMiB() == 81920)));
        assertEquals(List.of("pool-a", "pool-b"), SITE.nodes().stream().map(Node::pool).distinct().sorted().toList());
    }

    @Test
    void hundredProjectsDeserveAboutEightyPercentWithWeightsOneToFourAndSomeLimits() {
        assertEquals(100, SITE.projects().size());
        double deserved = SITE.projects().stream().mapToDouble(ProjectQuota::deservedGpus).sum();
        assertBetween(0.78, 0.80, deserved / SITE_GPUS, "deserved part of the GPUs");
        assertTrue(SITE.projects().stream().allMatch(q -> q.overQuotaWeight() >= 1 && q.overQuotaWeight() <= 4));
        assertEquals(4, SITE.projects().stream().mapToDouble(ProjectQuota::overQuotaWeight).distinct().count());
        assertEquals(20, SITE.projects().stream().filter(q -> q.limitGpus() != null).count());
    }

    @Test
    void runningJobsHoldHalfTheGpusWithoutOvercommittingOne() {
        double held = SITE.running().stream().mapToDouble(RunningJob::gpus).sum();
        assertBetween(0.49, 0.51, held / SITE_GPUS, "held part of the GPUs");

        Map<String, double[]> perGpu = new HashMap<>();
        for (RunningJob job : SITE.running()) {
            for (Allocation allocation : job.allocations()) {
                for (String gpu : allocation.gpuIds()) {
                    double[] use = perGpu.computeIfAbsent(allocation.node() + "/" + gpu, key -> new double[2]);
                    use[0] += allocation.fraction();
                    use[1]++;
                }
            }
        }
        assertTrue(perGpu.values().stream().allMatch(use -> use[0] <= 1 + 1e-9 && use[1] <= 8),
                "a GPU holds more than its whole or more than 8 jobs");
    }

    @Test
    void someProjectsRunAboveTheirShareAndOthersBelow() {
        Map<String, Double> held = new HashMap<>();
        SITE.running().forEach(job -> held.merge(job.project(), job.gpus(), Double::sum));
        long above = SITE.projects().stream().filter(q -> held.getOrDefault(q.name(), 0.0) > q.deservedGpus()).count();
        assertTrue(above >= 10 && above <= 90, above + " of 100 projects above their deserved share");
    }

    @Test
    void waitingJobsAreHalfWholeAThirdSharesATenthGangsAndSomeMemory() {
        assertEquals(WAITING, SITE.pending().size());
        assertBetween(0.48, 0.52, part(job -> job.request() instanceof GpuRequest.Whole && !job.isGang()), "whole");
        assertBetween(0.33, 0.37, part(job -> job.request() instanceof GpuRequest.Shared), "shares");
        assertBetween(0.09, 0.11, part(PendingJob::isGang), "gangs");
        assertBetween(0.04, 0.06, part(job -> job.request() instanceof GpuRequest.Memory), "memory");
        assertBetween(0.83, 0.87, part(job -> job.priority() == Priority.TRAIN), "training");
        assertTrue(SITE.pending().stream().filter(PendingJob::isGang)
                .allMatch(job -> job.workers() >= 2 && job.workers() <= 4
                        && job.request().equals(new GpuRequest.Whole(8))));
    }

    @Test
    void theSameSeedBuildsTheSameSite() {
        assertEquals(SITE, SyntheticSite.generate(NODES, WAITING, SchedulerBenchmark.SEED));
    }

    @Test
    void onePassPlacesReclaimsAndExplainsEveryWaitingJob() {
        SchedulingResult result = new Scheduler(Scheduler.DEFAULT_MAX_JOBS_PER_GPU).schedule(SITE);

        assertEquals(WAITING, SchedulerBenchmark.decided(result));
        assertTrue(result.allocations().size() > 1000, result.allocations().size() + " allocations");
        assertTrue(!result.preemptions().isEmpty(), "no project reclaimed its share");
        // Every job of the synthetic site fits some node (it is generated so), so it waits for capacity, reclaim or
        // policy, and never as a job this site can never run.
        for (Wait.Kind kind : java.util.List.of(Wait.Kind.CAPACITY, Wait.Kind.RECLAIM, Wait.Kind.POLICY)) {
            assertTrue(result.waiting().values().stream().anyMatch(wait -> wait.kind() == kind), "no job waits "
                    + kind);
        }
        assertTrue(result.waiting().values().stream().noneMatch(wait -> wait.kind() == Wait.Kind.NEVER_HERE),
                "a synthetic job that no node can run");
    }

    @Test
    void refusesASiteWithoutNodes() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> SyntheticSite.generate(0, 10, 1));
        assertTrue(error.getMessage().contains("nodes=0"), error.getMessage());
    }

    private static double part(Predicate<PendingJob> test) {
        return (double) SITE.pending().stream().filter(test).count() / SITE.pending().size();
    }

    private static void assertBetween(double low, double high, double actual, String what) {
        assertTrue(actual >= low && actual <= high, what + ": " + actual + " not within [" + low + ", " + high + "]");
    }
}
