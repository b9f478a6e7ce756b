package io.spillway.scheduler.loop;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.spillway.scheduler.domain.Decider;
import io.spillway.scheduler.domain.Decision;
import io.spillway.scheduler.domain.Gpu;
import io.spillway.scheduler.domain.LeaseLost;
import io.spillway.scheduler.domain.LeaseTerm;
import io.spillway.scheduler.domain.Node;
import io.spillway.scheduler.domain.Priority;
import io.spillway.scheduler.domain.QueuedJob;
import io.spillway.scheduler.domain.Requirements;
import io.spillway.scheduler.domain.Scheduler;
import io.spillway.scheduler.domain.SiteState;
import io.spillway.scheduler.domain.SiteStore;
import io.spillway.scheduler.domain.Statement;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The loop's order of work, with fakes of its ports: recover once on taking office, then load, decide, commit, and
 * only then run; nothing on a standby, and a step-down when the lease is gone.
 */
class SchedulerLoopTest {

    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
    private static final LeaseTerm TERM = new LeaseTerm("onprem", "instance-a", 1);

    private final List<String> steps = new CopyOnWriteArrayList<>();
    private final FakeSite site = new FakeSite();
    private final FakeRuns runs = new FakeRuns();
    private final LoopThread thread = new LoopThread();
    private final FakeLeadership leadership = new FakeLeadership();
    private final SchedulerLoop loop = new SchedulerLoop(site,
            new SnapshotLoader(() -> List.of(new Node("n0", "default", List.of(new Gpu("0", 81_920, "")))),
                    Map::of, Clock.fixed(T0, ZoneOffset.UTC)),
            new Decider(new Scheduler(Scheduler.DEFAULT_MAX_JOBS_PER_GPU), 1, 0, Duration.ZERO), runs, thread,
            leadership, Duration.ofSeconds(5), "onprem");

    @AfterEach
    void stopTheThread() {
        thread.shutdown();
    }

    @Test
    void aPassLoadsDecidesAndCommitsBeforeItRunsAnything() {
        site.queue = List.of(job("job-1", 1));

        loop.pass();

        assertEquals(List.of("recover orphans", "begin", "load", "commit job-1", "close", "apply cancellations",
                "apply preemptions", "launch allocated"), steps);
    }

    @Test
    void aFailedCommitLaunchesNothing() {
        site.queue = List.of(job("job-1", 1));
        site.commitFails = true;

        loop.pass();

        assertEquals(List.of("recover orphans", "begin", "load", "commit fails", "close"), steps);
    }

    @Test
    void aQueueSignalWhoseCommitFailedIsAnnouncedAgain() {
        // One GPU, three jobs of one GPU each: two wait, more than the threshold of 1.
        site.queue = List.of(job("job-1", 1), job("job-2", 2), job("job-3", 3));
        site.commitFails = true;
        loop.pass();
        site.commitFails = false;

        loop.pass();
        loop.pass();

        assertEquals(List.of("exceeded", "exceeded", "none"), site.signals);
    }

    @Test
    void recoversOrphansOnceBeforeTheFirstPass() {
        loop.pass();
        loop.pass();

        assertEquals(1, steps.stream().filter("recover orphans"::equals).count());
        assertEquals("recover orphans", steps.get(0));
    }

    @Test
    void aRecoveryThatFailsIsTriedAgainAndNothingIsDecidedBeforeItSucceeds() {
        runs.recoveryFails = true;
        loop.pass();
        runs.recoveryFails = false;

        loop.pass();

        assertEquals(List.of("recovery fails", "recover orphans", "begin", "load", "commit", "close",
                "apply cancellations", "apply preemptions", "launch allocated"), steps);
    }

    @Test
    void aRecoveryAskedForRunsOnTheLoopThreadAndStandsForTheFirstPasses() throws Exception {
        assertEquals(List.of("lost-1"), loop.recoverOrphans().get(10, TimeUnit.SECONDS));
        loop.pass();

        assertEquals("spillway-scheduler", runs.recoveredOn);
        assertEquals(1, steps.stream().filter("recover orphans"::equals).count());
    }

    @Test
    void aRequestedPassRunsOnTheLoopThread() {
        loop.requestPass();

        await().atMost(Duration.ofSeconds(10)).until(() -> steps.contains("launch allocated"));
        assertEquals("spillway-scheduler", runs.launchedOn);
    }

    @Test
    void aStandbyRunsNoPassAndTouchesNoJob() {
        leadership.acting = Optional.empty();
        site.queue = List.of(job("job-1", 1));

        loop.pass();

        assertEquals(List.of(), steps);
    }

    @Test
    void aStandbyThatTakesOfficeRecoversTheOrphansBeforeItsFirstPass() {
        leadership.acting = Optional.empty();
        loop.pass();
        leadership.acting = Optional.of(TERM);
        site.queue = List.of(job("job-1", 1));

        loop.pass();

        assertEquals(List.of("recover orphans", "begin", "load", "commit job-1", "close", "apply cancellations",
                "apply preemptions", "launch allocated"), steps);
        assertEquals(List.of(TERM), runs.recoveredUnder);
    }

    @Test
    void everyStatementIsOpenedUnderTheTermTheLoopActsUnder() {
        loop.pass();
        loop.pass();

        assertEquals(List.of(TERM, TERM), site.begunUnder);
    }

    @Test
    void aLeaderWhoseLeaseLapsedStepsDownAndDecidesNothing() {
        loop.pass();
        steps.clear();
        leadership.acting = Optional.empty();

        loop.pass();
        loop.pass();

        assertEquals(List.of("step down"), steps);
    }

    @Test
    void aLeaderThatRegainsTheLeaseUnderANewEpochStepsDownAndRecoversAgainFirst() {
        loop.pass();
        steps.clear();
        LeaseTerm next = new LeaseTerm("onprem", "instance-a", 3);
        leadership.acting = Optional.of(next);

        loop.pass();

        assertEquals(List.of("step down", "recover orphans", "begin", "load", "commit", "close",
                "apply cancellations", "apply preemptions", "launch allocated"), steps);
        assertEquals(List.of(TERM, next), runs.recoveredUnder);
        assertEquals(next, site.begunUnder.get(site.begunUnder.size() - 1));
    }

    @Test
    void aRecoveryAskedForOnAStandbyIsRefused() {
        leadership.acting = Optional.empty();

        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> loop.recoverOrphans().get(10, TimeUnit.SECONDS));

        assertInstanceOf(LeaseLost.class, refused.getCause());
        assertEquals(List.of(), steps);
    }

    private static QueuedJob job(String jobId, int submittedSecond) {
        return new QueuedJob(jobId, T0.plusSeconds(submittedSecond), null,
                new Requirements("default", Priority.TRAIN, 1.0, null, 1, null, true, List.of()));
    }

    /** The site's database as the loop sees it: a statement that reads a fixed queue and records what it commits. */
    private final class FakeSite implements SiteStore {
        volatile List<QueuedJob> queue = List.of();
        volatile boolean commitFails;
        final List<String> signals = new CopyOnWriteArrayList<>();
        final List<LeaseTerm> begunUnder = new CopyOnWriteArrayList<>();

        @Override
        public Statement begin(LeaseTerm term) {
            steps.add("begin");
            begunUnder.add(term);
            return new Statement() {
                @Override
                public SiteState read() {
                    steps.add("load");
                    return new SiteState(List.of(), queue, List.of(), false);
                }

                @Override
                public void commit(Decision decision) {
                    if (commitFails) {
                        steps.add("commit fails");
                        signals.add(signal(decision));
                        throw new IllegalStateException("the database went away");
                    }
                    steps.add(("commit " + String.join(",", decision.placements().keySet())).trim());
                    signals.add(signal(decision));
                }

                @Override
                public void close() {
                    steps.add("close");
                }
            };
        }

        private static String signal(Decision decision) {
            return decision.queueChange().map(change -> change instanceof Decision.Exceeded ? "exceeded" : "drained")
                    .orElse("none");
        }
    }

    /** The jobs the loop runs, as calls recorded in order. */
    private final class FakeRuns implements RunTracker {
        volatile boolean recoveryFails;
        volatile String recoveredOn;
        volatile String launchedOn;
        final List<LeaseTerm> recoveredUnder = new CopyOnWriteArrayList<>();

        @Override
        public List<String> recoverOrphans(LeaseTerm term) {
            if (recoveryFails) {
                steps.add("recovery fails");
                throw new IllegalStateException("the database went away");
            }
            steps.add("recover orphans");
            recoveredUnder.add(term);
            recoveredOn = Thread.currentThread().getName();
            return List.of("lost-1");
        }

        @Override
        public Map<String, Instant> storageWaits() {
            return Map.of();
        }

        @Override
        public void applyCancellations() {
            steps.add("apply cancellations");
        }

        @Override
        public void applyPreemptions() {
            steps.add("apply preemptions");
        }

        @Override
        public void launchAllocated() {
            steps.add("launch allocated");
            launchedOn = Thread.currentThread().getName();
        }

        @Override
        public void stopAll() {
            steps.add("stop all");
        }

        @Override
        public void stepDown() {
            steps.add("step down");
        }
    }

    /** The lease as the loop sees it: the term it may act under now, set by the test. */
    private static final class FakeLeadership implements Leadership {
        volatile Optional<LeaseTerm> acting = Optional.of(TERM);

        @Override
        public Optional<LeaseTerm> actingTerm() {
            return acting;
        }
    }
}
