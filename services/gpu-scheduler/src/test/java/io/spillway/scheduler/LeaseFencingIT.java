package io.spillway.scheduler;

import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.hibernate.reactive.mutiny.Mutiny;
import org.junit.jupiter.api.Test;

import io.opentelemetry.api.trace.Tracer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.smallrye.mutiny.Uni;
import io.spillway.kit.Outbox;
import io.spillway.kit.ServiceIdentity;
import io.spillway.kit.Transactions;
import io.spillway.scheduler.config.SchedulerConfig;
import io.spillway.scheduler.domain.Allocation;
import io.spillway.scheduler.domain.Decision;
import io.spillway.scheduler.domain.LeaseLost;
import io.spillway.scheduler.domain.LeaseTerm;
import io.spillway.scheduler.domain.SchedulingResult;
import io.spillway.scheduler.domain.SiteStore;
import io.spillway.scheduler.domain.Statement;
import io.spillway.scheduler.executor.JobExecutor;
import io.spillway.scheduler.executor.Launch;
import io.spillway.scheduler.executor.ProcessExit;
import io.spillway.scheduler.loop.ExecutorRunTracker;
import io.spillway.scheduler.loop.JobMounts;
import io.spillway.scheduler.loop.LeaseKeeper;
import io.spillway.scheduler.loop.LoopThread;
import io.spillway.scheduler.persistence.JobStore;
import io.spillway.scheduler.persistence.LeaseStore;
import io.spillway.schemas.EventCodec;
import io.spillway.schemas.JobEvent.GpuAllocated;
import io.spillway.schemas.JobEvent.JobCompleted;
import io.spillway.schemas.JobSpec;
import io.spillway.schemas.PriorityClass;
import io.spillway.testing.PlatformTestResource;
import io.spillway.testing.ServiceCalls;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import static io.spillway.scheduler.JobsTopic.newJobId;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The lease and its fence on the real database. The test plays two scheduler instances, A and B, on a lease of their
 * own (the running scheduler keeps the site's): A takes it with a one-second TTL and lets it expire, B takes it over,
 * and everything A then writes (a pass, a job's end) rolls back and changes nothing, while the same writes under B's
 * term go through.
 */
@QuarkusTest
@QuarkusTestResource(PlatformTestResource.class)
class LeaseFencingIT extends JobsTopicTest {

    private static final Duration SHORT_TTL = Duration.ofSeconds(1);
    private static final Duration LONG_TTL = Duration.ofSeconds(120);
    private static final Duration QUIET = Duration.ofSeconds(3);

    LeaseFencingIT() {
        super("onprem");
    }

    @Inject
    Transactions transactions;
    @Inject
    LeaseStore leases;
    @Inject
    SiteStore store;
    @Inject
    JobStore jobStore;
    @Inject
    Outbox outbox;
    @Inject
    JobMounts mounts;
    @Inject
    SchedulerConfig config;
    @Inject
    ServiceIdentity identity;
    @Inject
    Tracer tracer;
    @Inject
    LeaseKeeper keeper;
    @Inject
    PgPool pool;

    private final String leaseSite = "fencing-" + UUID.randomUUID();

    @Test
    void theLeaseChangesHolderOnlyAfterItExpiredAndEachNewHolderGetsTheNextEpoch() {
        LeaseTerm a = acquire("instance-a").orElseThrow();

        assertEquals(Optional.of(a), acquire("instance-a"), "a renewal keeps the term");
        assertEquals(Optional.empty(), acquire("instance-b"), "not before A's lease expired");
        LeaseTerm b = takeOverAfterExpiry("instance-b");

        assertEquals(a.epoch() + 1, b.epoch());
        assertEquals(Optional.empty(), acquire("instance-a"), "A cannot take it back while B renews");
        assertEquals(Optional.of(b), inTransaction(session -> leases.holder(session, leaseSite)));
    }

    @Test
    void aDeposedLeadersPassFailsWithAFencingErrorAndNothingItWroteIsVisible() throws Exception {
        LeaseTerm a = acquire("instance-a").orElseThrow();
        LeaseTerm b = takeOverAfterExpiry("instance-b");
        // A job the running scheduler leaves waiting (no node of its pool here), which the pass below places.
        String jobId = newJobId();
        insertJob(jobId, "PENDING", "nowhere");
        Decision placing = new Decision(new SchedulingResult(List.of(new Allocation(jobId, "local-0", List.of("0"),
                0.1)), List.of(), Map.of()), Map.of(), Map.of(), Optional.empty());

        try (Statement deposed = store.begin(a)) {
            deposed.read();
            assertThrows(LeaseLost.class, () -> deposed.commit(placing));
        }

        assertEquals("PENDING", state(jobId));
        assertEquals(0, heldAllocations(jobId));
        await().during(QUIET).atMost(QUIET.plusSeconds(5))
                .until(() -> jobs.emitted(jobId).stream().noneMatch(event -> event.data() instanceof GpuAllocated));
        // The same decision under the holder's term is written: the fence is what kept A's out.
        try (Statement leader = store.begin(b)) {
            leader.read();
            leader.commit(placing);
        }
        jobs.awaitEmitted(jobId, GpuAllocated.class);
        assertNotEquals("PENDING", state(jobId));
    }

    @Test
    void aDeposedLeadersExitRecordRollsBackAndTheNextLeaderRecordsTheEndOnce() throws Exception {
        // The deposed tracker below takes the site's orphans over: none but the test's may be live meanwhile.
        await().atMost(Duration.ofSeconds(60)).until(() -> liveJobs() == 0);
        String jobId = newJobId();
        insertJob(jobId, "RUNNING", null);
        pool.preparedQuery("INSERT INTO allocation (job_id, node, gpu_id, fraction) VALUES ($1, 'local-0', '1', 0.1)")
                .execute(Tuple.of(jobId)).await().atMost(Duration.ofSeconds(10));
        LeaseTerm a = acquire("instance-a").orElseThrow();
        FollowedJob followedByA = new FollowedJob(jobId);
        LoopThread threadOfA = new LoopThread();
        ExecutorRunTracker trackerOfA = tracker(followedByA, threadOfA, a);
        assertEquals(List.of(), onThread(threadOfA, () -> trackerOfA.recoverOrphans(a)), "A adopts the job");
        LeaseTerm b = takeOverAfterExpiry("instance-b");

        followedByA.exits(0);

        await().during(QUIET).atMost(QUIET.plusSeconds(5)).until(() -> "RUNNING".equals(state(jobId))
                && heldAllocations(jobId) == 1
                && jobs.emitted(jobId).stream().noneMatch(event -> event.data() instanceof JobCompleted));
        onThread(threadOfA, () -> {
            trackerOfA.stepDown();
            return null;
        });
        threadOfA.shutdown();

        FollowedJob followedByB = new FollowedJob(jobId);
        LoopThread threadOfB = new LoopThread();
        try {
            ExecutorRunTracker trackerOfB = tracker(followedByB, threadOfB, b);
            assertEquals(List.of(), onThread(threadOfB, () -> trackerOfB.recoverOrphans(b)), "B adopts it in turn");
            followedByB.exits(0);

            jobs.awaitEmitted(jobId, JobCompleted.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> "SUCCEEDED".equals(state(jobId)));
            assertEquals(0, heldAllocations(jobId));
            await().during(QUIET).atMost(QUIET.plusSeconds(5)).until(() -> jobs.emitted(jobId).stream()
                    .filter(event -> event.data() instanceof JobCompleted).count() == 1);
        } finally {
            threadOfB.shutdown();
        }
    }

    @Test
    void theStateSaysThisInstanceLeadsAndTheMetricSaysSoWithoutAToken() {
        await().atMost(Duration.ofSeconds(30)).until(keeper::leads);

        ServiceCalls.given().get("/api/v1/scheduler/state?limit=1")
                .then().statusCode(200)
                .body("leader", equalTo(true))
                .body("leaderId", equalTo(keeper.instanceId()))
                .body("instanceId", equalTo(keeper.instanceId()));
        RestAssured.get("/q/metrics").then().statusCode(200)
                .body(containsString("spillway_scheduler_leader{site=\"onprem\"} 1.0"));
        RestAssured.get("/q/health/ready").then().statusCode(200);
    }

    private Optional<LeaseTerm> acquire(String holder) {
        return acquire(holder, SHORT_TTL);
    }

    private Optional<LeaseTerm> acquire(String holder, Duration ttl) {
        return inTransaction(session -> leases.acquireOrRenew(session, leaseSite, holder, ttl));
    }

    /** The lease for {@code holder} once the last one expired, held long enough for the test without renewals. */
    private LeaseTerm takeOverAfterExpiry(String holder) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> acquire(holder, LONG_TTL), Optional::isPresent)
                .orElseThrow();
    }

    private ExecutorRunTracker tracker(JobExecutor executor, LoopThread thread, LeaseTerm term) {
        return new ExecutorRunTracker(transactions, jobStore, outbox, executor, mounts, config, identity, tracer, thread,
                leases, () -> Optional.of(term));
    }

    private <T> T inTransaction(Function<Mutiny.Session, Uni<T>> work) {
        return transactions.inTransaction(work).await().atMost(Duration.ofSeconds(10));
    }

    private static <T> T onThread(LoopThread thread, Supplier<T> work) throws Exception {
        CompletableFuture<T> done = new CompletableFuture<>();
        thread.execute(() -> {
            try {
                done.complete(work.get());
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        return done.get(30, TimeUnit.SECONDS);
    }

    private void insertJob(String jobId, String state, String nodePool) throws Exception {
        JobSpec spec = new JobSpec("fenced", "research", null, List.of("true"), 0.1, null, null, null, 1,
                PriorityClass.TRAIN, List.of(), Map.of(), nodePool, false);
        JsonObject json = new JsonObject(EventCodec.shared().mapper().writeValueAsString(spec));
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO job_spec (job_id, home_site, spec, submitted_at)"
                + " VALUES ($1, 'onprem', $2, $3)").execute(Tuple.of(jobId, json, now))
                .chain(() -> tx.preparedQuery("INSERT INTO job (job_id, submitted_at, state, started_at)"
                        + " VALUES ($1, $2, $3, " + ("RUNNING".equals(state) ? "$2" : "NULL") + ")")
                        .execute(Tuple.of(jobId, now, state))))
                .await().atMost(Duration.ofSeconds(10));
    }

    private String state(String jobId) {
        return pool.preparedQuery("SELECT state FROM job WHERE job_id = $1").execute(Tuple.of(jobId))
                .await().atMost(Duration.ofSeconds(10)).iterator().next().getString("state");
    }

    private long heldAllocations(String jobId) {
        return count("SELECT count(*) FROM allocation WHERE job_id = $1 AND released_at IS NULL", Tuple.of(jobId));
    }

    private long liveJobs() {
        return count("SELECT count(*) FROM job WHERE state IN ('ALLOCATED', 'RUNNING')", Tuple.tuple());
    }

    private long count(String sql, Tuple arguments) {
        Row row = pool.preparedQuery(sql).execute(arguments).await().atMost(Duration.ofSeconds(10)).iterator().next();
        return row.getLong(0);
    }

    /** An executor that finds one job's single worker still running, and ends it when the test says. */
    private static final class FollowedJob implements JobExecutor {
        private final String jobId;
        private volatile Consumer<ProcessExit> onExit;

        FollowedJob(String jobId) {
            this.jobId = jobId;
        }

        void exits(int code) {
            onExit.accept(new ProcessExit(jobId, 0, code, 1000, false));
        }

        @Override
        public Set<Integer> adopt(String adopted, int workers, Consumer<ProcessExit> onExit) {
            if (!adopted.equals(jobId)) {
                return Set.of();
            }
            this.onExit = onExit;
            return Set.of(0);
        }

        @Override
        public String name() {
            return "followed";
        }

        @Override
        public void start(Launch launch, Consumer<ProcessExit> onExit) {
            throw new UnsupportedOperationException("the test starts nothing");
        }

        @Override
        public boolean isRunning(String running) {
            return false;
        }

        @Override
        public boolean stop(String stopped, Duration grace) {
            return false;
        }

        @Override
        public Optional<Path> logFile(String logged) {
            return Optional.empty();
        }

        @Override
        public void release() {
        }

        @Override
        public void stopAll() {
        }
    }
}
