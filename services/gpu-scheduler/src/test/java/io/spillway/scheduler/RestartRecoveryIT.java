package io.spillway.scheduler;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.spillway.scheduler.loop.SchedulerLoop;
import io.spillway.schemas.EventCodec;
import io.spillway.schemas.JobEvent.JobCompleted;
import io.spillway.schemas.JobEvent.JobFailed;
import io.spillway.schemas.JobEvent.JobPending;
import io.spillway.schemas.JobEvent.JobSubmitted;
import io.spillway.testing.PlatformTestResource;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Tuple;

import static io.spillway.scheduler.JobsTopic.newJobId;
import static io.spillway.scheduler.JobsTopic.newTraceparent;
import static io.spillway.scheduler.JobsTopic.spec;
import static io.spillway.scheduler.JobsTopic.traceId;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A job that was running when a previous scheduler process died: its GPUs stay held (nothing is placed on them
 * twice) until the scheduler reports it failed, and then the GPUs go to the jobs that wait.
 */
@QuarkusTest
@QuarkusTestResource(PlatformTestResource.class)
class RestartRecoveryIT extends JobsTopicTest {

    RestartRecoveryIT() {
        super("onprem");
    }

    @Inject
    PgPool pool;

    @Inject
    SchedulerLoop loop;

    @Test
    void queuesAgainAJobWhoseProcessARestartLostAndNeverDoubleBooksItsGpus() throws Exception {
        loop.recoverOrphans().get(); // the start-up recovery is behind us, so the orphan below waits for ours
        String orphan = newJobId();
        String orphanTrace = newTraceparent();
        leaveRunningFromAPreviousProcess(orphan, orphanTrace, "0", "1");
        String waiting = newJobId();

        jobs.send(new JobSubmitted(waiting, "onprem", spec(List.of("true"), 1.0), "alice"), newTraceparent());

        await().atMost(JobsTopic.TIMEOUT).until(() -> jobs.emitted(waiting).stream()
                .anyMatch(event -> event.data() instanceof JobPending pending
                        && pending.reason().equals("no node with 1 free GPU: none is free")));

        assertEquals(List.of(orphan), loop.recoverOrphans().get());

        await().atMost(JobsTopic.TIMEOUT).until(() -> jobs.emitted(orphan).stream()
                .anyMatch(event -> event.data() instanceof JobPending pending && pending.reason()
                        .equals("queued again: its process was lost while the scheduler restarted")));
        assertEquals(traceId(orphanTrace), traceId(jobs.emitted(orphan).get(0).traceparent()));
        jobs.awaitEmitted(waiting, JobCompleted.class);
        jobs.awaitEmitted(orphan, JobCompleted.class);
    }

    @Test
    void aWaitingJobWhoseStoredSpecCannotBeReadFailsAloneAndTheSiteGoesOn() {
        String unreadable = newJobId();
        String unreadableTrace = newTraceparent();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO job_spec (job_id, home_site, spec, submitted_at,"
                + " traceparent) VALUES ($1, 'onprem', '\"not a spec\"'::jsonb, $2, $3)")
                .execute(Tuple.of(unreadable, now, unreadableTrace))
                .chain(() -> tx.preparedQuery("INSERT INTO job (job_id, submitted_at, state, traceparent)"
                        + " VALUES ($1, $2, 'PENDING', $3)").execute(Tuple.of(unreadable, now, unreadableTrace))))
                .await().atMost(Duration.ofSeconds(10));
        String healthy = newJobId();

        jobs.send(new JobSubmitted(healthy, "onprem", spec(List.of("true"), 1.0), "alice"), newTraceparent());

        JobFailed failed = jobs.awaitEmitted(unreadable, JobFailed.class);
        assertEquals("the scheduler cannot read the job's stored spec", failed.reason());
        assertNull(failed.exitCode());
        jobs.awaitEmitted(healthy, JobCompleted.class);
    }

    /** What a scheduler process that died mid-run leaves in the database: a RUNNING job holding GPUs. */
    private void leaveRunningFromAPreviousProcess(String jobId, String traceparent, String... gpuIds) throws Exception {
        JsonObject spec = new JsonObject(EventCodec.shared().mapper().writeValueAsString(spec(List.of("true"),
                2.0)));
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO job_spec (job_id, home_site, spec, submitted_at,"
                + " traceparent) VALUES ($1, 'onprem', $2, $3, $4)")
                .execute(Tuple.of(jobId, spec, now, traceparent))
                .chain(() -> tx.preparedQuery("INSERT INTO job (job_id, submitted_at, state, traceparent, started_at)"
                        + " VALUES ($1, $2, 'RUNNING', $3, $2)").execute(Tuple.of(jobId, now, traceparent)))
                .chain(() -> tx.preparedQuery("INSERT INTO allocation (job_id, node, gpu_id, fraction)"
                        + " VALUES ($1, 'local-0', $2, 1.0)").executeBatch(List.of(gpuIds).stream()
                                .map(gpu -> Tuple.of(jobId, gpu)).toList())))
                .await().atMost(Duration.ofSeconds(10));
    }
}
