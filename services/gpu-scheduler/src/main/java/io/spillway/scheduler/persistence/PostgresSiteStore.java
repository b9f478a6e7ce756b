package io.spillway.scheduler.persistence;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.spillway.kit.Outbox;
import io.spillway.kit.ServiceIdentity;
import io.spillway.scheduler.domain.Allocation;
import io.spillway.scheduler.domain.Decision;
import io.spillway.scheduler.domain.JobState;
import io.spillway.scheduler.domain.ProjectQuota;
import io.spillway.scheduler.domain.QueuedJob;
import io.spillway.scheduler.domain.RunningJob;
import io.spillway.scheduler.domain.SiteState;
import io.spillway.scheduler.domain.SiteStore;
import io.spillway.scheduler.domain.Statement;
import io.spillway.schemas.BurstCandidate;
import io.spillway.schemas.JobEvent.GpuAllocated;
import io.spillway.schemas.JobEvent.JobFailed;
import io.spillway.schemas.JobEvent.JobPending;
import io.spillway.schemas.JobEvent.JobPreempted;
import io.spillway.schemas.Placement;
import io.spillway.schemas.QueueEvent.QueueDrained;
import io.spillway.schemas.QueueEvent.QueueThresholdExceeded;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;

/**
 * The statements of scheduling passes on PostgreSQL: one transaction each, opened with
 * {@code LOCK TABLE allocation IN EXCLUSIVE MODE} (so even a mistaken second instance of the site could not give a GPU
 * twice), read, then committed with every outbox event of the decision.
 */
@ApplicationScoped
public class PostgresSiteStore implements SiteStore {

    private static final Logger LOG = Logger.getLogger(PostgresSiteStore.class);
    private static final Duration DB_TIMEOUT = Duration.ofSeconds(30);

    private final PgPool pool;
    private final JobStore jobs;
    private final ProjectStore projects;
    private final Outbox outbox;
    private final String site;

    public PostgresSiteStore(PgPool pool, JobStore jobs, ProjectStore projects, Outbox outbox,
            ServiceIdentity identity) {
        this.pool = pool;
        this.jobs = jobs;
        this.projects = projects;
        this.outbox = outbox;
        this.site = identity.site();
    }

    @Override
    public Statement begin() {
        // Blocking is right here: statements are opened on the scheduler loop's own thread, never an event loop.
        SqlConnection connection = await(pool.getConnection());
        PassStatement statement = null;
        try {
            statement = new PassStatement(connection, await(connection.begin()));
            await(jobs.lockAllocations(connection));
            return statement;
        } catch (RuntimeException e) {
            if (statement != null) {
                statement.close();
            } else {
                connection.closeAndForget();
            }
            throw e;
        }
    }

    /** One pass's transaction; it remembers each job's trace from the read, for the events of the commit. */
    private final class PassStatement implements Statement {

        private final SqlConnection connection;
        private final Transaction transaction;
        private final Map<String, String> traces = new HashMap<>();
        private boolean committed;

        PassStatement(SqlConnection connection, Transaction transaction) {
            this.connection = connection;
            this.transaction = transaction;
        }

        @Override
        public SiteState read() {
            Map<String, List<Allocation>> held = await(jobs.heldByJob(connection));
            List<StoredJob> holding = new ArrayList<>(await(jobs.jobsIn(connection, JobState.RUNNING, true)));
            holding.addAll(await(jobs.jobsIn(connection, JobState.ALLOCATED, true)));
            List<StoredJob> queue = await(jobs.jobsIn(connection, JobState.PENDING, false));
            List<ProjectQuota> quotas = await(projects.all(connection));
            boolean exceeded = await(jobs.queueExceeded(connection, site));
            List<RunningJob> running = new ArrayList<>();
            for (StoredJob job : holding) {
                traces.put(job.jobId(), job.traceparent());
                List<Allocation> allocations = held.getOrDefault(job.jobId(), List.of());
                if (allocations.isEmpty()) {
                    continue;
                }
                String project = job.spec() == null ? "unknown" : job.spec().project();
                OffsetDateTime since = job.startedAt() != null ? job.startedAt() : job.submittedAt();
                running.add(new RunningJob(job.jobId(), project, job.priority(), since.toInstant(), allocations,
                        job.cancelRequested() || job.preemptRequested()));
            }
            List<QueuedJob> queued = new ArrayList<>();
            for (StoredJob job : queue) {
                traces.put(job.jobId(), job.traceparent());
                queued.add(new QueuedJob(job.jobId(), job.submittedAt().toInstant(), job.reason(),
                        job.requirements()));
            }
            return new SiteState(running, queued, quotas, exceeded);
        }

        @Override
        public void commit(Decision decision) {
            await(failUnplaceable(decision)
                    // A job handed over to a burst site while this pass ran is no longer pending: it gets nothing.
                    .chain(() -> sequentially(List.copyOf(decision.placements().entrySet()), job -> jobs
                            .allocate(connection, job.getKey(), job.getValue())
                            .call(allocated -> allocated ? outbox.append(connection, new GpuAllocated(job.getKey(),
                                    site, placements(job.getValue())), traces.get(job.getKey()))
                                    : Uni.createFrom().voidItem())))
                    .chain(() -> sequentially(decision.result().preemptions(), preemption -> jobs
                            .requestPreempt(connection, preemption.jobId(), preemption.reason())
                            .call(asked -> asked ? outbox.append(connection, new JobPreempted(preemption.jobId(), site,
                                    preemption.reason(), preemption.forJobId()), traces.get(preemption.jobId()))
                                    : Uni.createFrom().voidItem())))
                    .chain(() -> sequentially(List.copyOf(decision.reasons().entrySet()), waiting -> jobs
                            .setReason(connection, waiting.getKey(), waiting.getValue().reason(),
                                    waiting.getValue().kind().name())
                            .call(() -> outbox.append(connection, new JobPending(waiting.getKey(), site,
                                    waiting.getValue().reason()), traces.get(waiting.getKey())))))
                    .chain(() -> signalQueue(decision)));
            await(transaction.commit());
            committed = true;
            for (Allocation allocation : decision.result().allocations()) {
                LOG.infof("Allocated %s: node %s, GPUs %s, %s of each", allocation.jobId(), allocation.node(),
                        allocation.gpuIds(), allocation.fraction());
            }
            decision.result().preemptions().forEach(preemption -> LOG.infof("Preempting %s (project %s) for %s: %s",
                    preemption.jobId(), preemption.project(), preemption.forJobId(), preemption.reason()));
        }

        private Uni<Void> failUnplaceable(Decision decision) {
            return sequentially(List.copyOf(decision.unplaceable().entrySet()), failure -> {
                LOG.errorf("Job %s cannot be placed and fails: %s", failure.getKey(), failure.getValue());
                return jobs.finish(connection, failure.getKey(), JobState.FAILED, null, failure.getValue())
                        .call(() -> outbox.append(connection, new JobFailed(failure.getKey(), site, null,
                                failure.getValue(), 0), traces.get(failure.getKey())));
            });
        }

        /**
         * Stores the queue signal's change and announces it: {@code QueueThresholdExceeded} with the waiting jobs that
         * may burst, or {@code QueueDrained}.
         */
        private Uni<Void> signalQueue(Decision decision) {
            if (decision.queueChange().isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            if (decision.queueChange().get() instanceof Decision.Drained drained) {
                LOG.infof("Queue of site %s drained: %d job(s) wait for GPUs", site, drained.waiting());
                return jobs.setQueueExceeded(connection, site, false)
                        .call(() -> outbox.append(connection, new QueueDrained(site, drained.waiting(),
                                drained.lowWatermark()), null));
            }
            Decision.Exceeded exceeded = (Decision.Exceeded) decision.queueChange().get();
            List<BurstCandidate> candidates = exceeded.candidates().stream()
                    .map(job -> new BurstCandidate(job.jobId(), job.project(), job.gpus(), job.filesystems()))
                    .toList();
            LOG.infof("Queue of site %s overflows: %d job(s) wait for GPUs (threshold %d), %d may burst", site,
                    exceeded.waiting(), exceeded.threshold(), candidates.size());
            return jobs.setQueueExceeded(connection, site, true)
                    .call(() -> outbox.append(connection, new QueueThresholdExceeded(site, exceeded.waiting(),
                            exceeded.threshold(), candidates), null));
        }

        @Override
        public void close() {
            try {
                if (!committed) {
                    await(transaction.rollback());
                }
            } catch (RuntimeException e) {
                // A transaction whose statement failed is rolled back already; the connection goes back either way.
                LOG.debugf("Rolling back a scheduling pass: %s", e.getMessage());
            } finally {
                connection.closeAndForget();
            }
        }
    }

    private static List<Placement> placements(List<Allocation> workers) {
        List<Placement> placements = new ArrayList<>();
        for (int worker = 0; worker < workers.size(); worker++) {
            Allocation allocation = workers.get(worker);
            placements.add(new Placement(worker, allocation.node(), allocation.gpuIds(), allocation.fraction()));
        }
        return placements;
    }

    private static <T> Uni<Void> sequentially(List<T> items, Function<T, Uni<?>> step) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (T item : items) {
            chain = chain.chain(() -> step.apply(item)).replaceWithVoid();
        }
        return chain;
    }

    private static <T> T await(Uni<T> work) {
        return work.await().atMost(DB_TIMEOUT);
    }
}
