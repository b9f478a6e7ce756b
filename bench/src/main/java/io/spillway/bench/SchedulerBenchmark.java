package io.spillway.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import io.spillway.scheduler.domain.Allocation;
import io.spillway.scheduler.domain.Scheduler;
import io.spillway.scheduler.domain.SchedulingResult;
import io.spillway.scheduler.domain.SiteSnapshot;

/**
 * One scheduling pass of the gpu-scheduler's core over a {@link SyntheticSite}: its time, and how many waiting jobs
 * it decides per second (placed, or given the reason they wait). One thread, as the scheduler loop runs passes on
 * one thread.
 */
@State(Scope.Benchmark)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = { "-Xms2g", "-Xmx2g" })
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
public class SchedulerBenchmark {

    static final long SEED = 20261129L;

    @Param({ "1000", "5000" })
    public int nodes;

    @Param({ "10000", "50000" })
    public int waiting;

    private Scheduler scheduler;
    private SiteSnapshot site;

    @Setup(Level.Trial)
    public void buildSite() {
        site = SyntheticSite.generate(nodes, waiting, SEED);
        scheduler = new Scheduler(Scheduler.DEFAULT_MAX_JOBS_PER_GPU);
        long decided = decided(scheduler.schedule(site));
        // A pass that forgot jobs would look fast; measure only one that decides every waiting job.
        if (decided != waiting) {
            throw new IllegalStateException("a pass decided " + decided + " of " + waiting + " waiting jobs");
        }
    }

    /** Time per pass. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public SchedulingResult cycleTime() {
        return scheduler.schedule(site);
    }

    /** Passes per second, and (the {@code decided} counter) waiting jobs decided per second. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public SchedulingResult throughput(Decisions decisions) {
        SchedulingResult result = scheduler.schedule(site);
        decisions.decided += decided(result);
        return result;
    }

    /** Waiting jobs a pass decided: those it placed (a gang once, however many workers) and those it left waiting. */
    static long decided(SchedulingResult result) {
        long placed = 0;
        String previous = null;
        // A job's allocations are recorded together, one per worker, so a new job id starts a new job.
        List<Allocation> allocations = result.allocations();
        for (Allocation allocation : allocations) {
            if (!allocation.jobId().equals(previous)) {
                placed++;
                previous = allocation.jobId();
            }
        }
        return placed + result.waiting().size();
    }

    /** JMH reports this counter as a rate: waiting jobs decided per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Decisions {
        public long decided;

        @Setup(Level.Iteration)
        public void reset() {
            decided = 0;
        }
    }
}
