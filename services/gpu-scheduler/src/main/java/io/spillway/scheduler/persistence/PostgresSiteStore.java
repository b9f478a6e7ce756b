package io.spillway.scheduler.persistence;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.spillway.kit.Outbox;
import io.spillway.kit.ServiceIdentity;
import io.spillway.kit.Transactions;
import io.spillway.scheduler.domain.Allocation;
import io.spillway.scheduler.domain.Decision;
import io.spillway.scheduler.domain.JobState;
import io.spillway.scheduler.domain.LeaseTerm;
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
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The statements of scheduling passes on PostgreSQL: one transaction each, opened with
 * {@code LOCK TABLE allocation IN EXCLUSIVE MODE} (so even a mistaken second instance of the site could not give a GPU
 * twice), read, then fenced by the lease (a deposed leader writes nothing) and committed with every outbox event of
 * the decision.
 */
@ApplicationScoped
public class PostgresSiteStore implements SiteStore {

    private static final Logger LOG = Logger.getLogger(PostgresSiteStore.class);
    /** Longest wait for the statement's read, and for its writes and commit. */
    private static final Duration DB_TIMEOUT = Duration.ofSeconds(30);

    private final Transactions transactions;
    private final JobStore jobs;
    private final ProjectStore projects;
    private final Outbox outbox;
    private final LeaseStore leases;
    private final String site;

    public PostgresSiteStore(Transactions transactions, JobStore jobs, ProjectStore projects, Outbox outbox,
            LeaseStore leases, ServiceIdentity identity) {
        this.transactions = transactions;
        this.jobs = jobs;
        this.projects = projects;
        this.outbox = outbox;
        this.leases = leases;
        this.site = identity.site();
    }

    @Override
    public Statement begin(LeaseTerm term) {
        return new PassStatement(term);
    }

    /**
     * One pass's transaction: a single reactive chain on one Hibernate Reactive session (lock, read, wait for the
     * decision, write, commit), started when the statement is opened. The loop thread meets it twice: {@link #read()}
     * waits for what the chain read, {@link #commit} hands it the decision and waits for the commit. A statement
     * closed without a decision fails the chain, so the transaction rolls back. The chain remembers each job's trace
     * from the read, for the events of the commit.
     */
    private final class PassStatement implements Statement {

        private final CompletableFuture<SiteState> read = new CompletableFuture<>();
        private final CompletableFuture<Decision> decided = new CompletableFuture<>();
        private final CompletableFuture<Void> ended;
        private final Map<String, String> traces = new HashMap<>();
        private boolean committed;

        PassStatement(LeaseTerm term) {
            ended = transactions.inTransaction(session -> {
                // Transactions runs this on the session's own context; the decision is brought back to it.
                Context context = Vertx.currentContext();
                return jobs.lockAllocations(session)
                        .chain(() -> readSite(session))
                        .invoke(read::complete)
                        .chain(() -> decision(context))
                        // Fenced at the write, not at the start: the lease row stays locked only from here to the
                        // commit, so the leader's own renewals are not held up by a pass's decision.
                        .call(() -> leases.fence(session, term))
                        .chain(decision -> write(session, decision));
            }).subscribeAsCompletionStage();
            // A chain that fails before its read (no connection, no lock) ends the pass at read().
            ended.whenComplete((ignored, failure) -> {
                if (failure != null) {
                    read.completeExceptionally(failure);
                }
            });
        }

        @Override
        public SiteState read() {
            return await(read);
        }

        @Override
        public void commit(Decision decision) {
            decided.complete(decision);
            await(ended);
            committed = true;
            for (Allocation allocation : decision.result().allocations()) {
                LOG.infof("Allocated %s: node %s, GPUs %s, %s of each", allocation.jobId(), allocation.node(),
                        allocation.gpuIds(), allocation.fraction());
            }
            decision.result().preemptions().forEach(preemption -> LOG.infof("Preempting %s (project %s) for %s: %s",
                    preemption.jobId(), preemption.project(), preemption.forJobId(), preemption.reason()));
        }

        @Override
        public void close() {
            if (committed) {
                return;
            }
            // No decision comes any more: the chain fails where it waits for one, and the transaction rolls back.
            decided.completeExceptionally(new IllegalStateException("the scheduling pass ended without a commit"));
            try {
                await(ended);
            } catch (RuntimeException e) {
                LOG.debugf("Rolled back a scheduling pass: %s", e.getMessage());
            } finally {
                // Still running after the wait (a lock that never came): giving up on it closes its session.
                ended.cancel(false);
            }
        }

        /**
         * The decision the loop hands to {@link #commit}, delivered back on this session's context: the loop thread
         * completes it, and a reactive session must only be used from the context it was opened on.
         */
        private Uni<Decision> decision(Context context) {
            Executor onSessionContext = task -> context.runOnContext(ignored -> task.run());
            return Uni.createFrom().completionStage(decided).emitOn(onSessionContext);
        }

        private Uni<SiteState> readSite(Mutiny.Session session) {
            return jobs.heldByJob(session).chain(held -> jobs.jobsIn(session, JobState.RUNNING, true)
                    .chain(running -> jobs.jobsIn(session, JobState.ALLOCATED, true).map(allocated -> {
                        List<StoredJob> holding = new ArrayList<>(running);
                        holding.addAll(allocated);
                        return holding;
                    }))
                    .chain(holding -> jobs.jobsIn(session, JobState.PENDING, false)
                            .chain(queue -> projects.all(session)
                                    .chain(quotas -> jobs.queueExceeded(session, site)
                                            .map(exceeded -> siteState(held, holding, queue, quotas, exceeded))))));
        }

        private SiteState siteState(Map<String, List<Allocation>> held, List<StoredJob> holding,
                List<StoredJob> queue, List<ProjectQuota> quotas, boolean exceeded) {
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

        private Uni<Void> write(Mutiny.Session session, Decision decision) {
            return failUnplaceable(session, decision)
                    // A job handed over to a burst site while this pass ran is no longer pending: it gets nothing.
                    .chain(() -> sequentially(List.copyOf(decision.placements().entrySet()), job -> jobs
                            .allocate(session, job.getKey(), job.getValue())
                            .call(allocated -> allocated ? outbox.append(session, new GpuAllocated(job.getKey(),
                                    site, placements(job.getValue())), traces.get(job.getKey()))
                                    : Uni.createFrom().voidItem())))
                    .chain(() -> sequentially(decision.result().preemptions(), preemption -> jobs
                            .requestPreempt(session, preemption.jobId(), preemption.reason())
                            .call(asked -> asked ? outbox.append(session, new JobPreempted(preemption.jobId(), site,
                                    preemption.reason(), preemption.forJobId()), traces.get(preemption.jobId()))
                                    : Uni.createFrom().voidItem())))
                    .chain(() -> sequentially(List.copyOf(decision.reasons().entrySet()), waiting -> jobs
                            .setReason(session, waiting.getKey(), waiting.getValue().reason(),
                                    waiting.getValue().kind().name())
                            .call(() -> outbox.append(session, new JobPending(waiting.getKey(), site,
                                    waiting.getValue().reason()), traces.get(waiting.getKey())))))
                    .chain(() -> signalQueue(session, decision));
        }

        private Uni<Void> failUnplaceable(Mutiny.Session session, Decision decision) {
            return sequentially(List.copyOf(decision.unplaceable().entrySet()), failure -> {
                LOG.errorf("Job %s cannot be placed and fails: %s", failure.getKey(), failure.getValue());
                return jobs.finish(session, failure.getKey(), JobState.FAILED, null, failure.getValue())
                        .call(() -> outbox.append(session, new JobFailed(failure.getKey(), site, null,
                                failure.getValue(), 0), traces.get(failure.getKey())));
            });
        }

        /**
         * Stores the queue signal's change and announces it: {@code QueueThresholdExceeded} with the waiting jobs that
         * may burst, or {@code QueueDrained}.
         */
        private Uni<Void> signalQueue(Mutiny.Session session, Decision decision) {
            if (decision.queueChange().isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            if (decision.queueChange().get() instanceof Decision.Drained drained) {
                LOG.infof("Queue of site %s drained: %d job(s) wait for GPUs", site, drained.waiting());
                return jobs.setQueueExceeded(session, site, false)
                        .call(() -> outbox.append(session, new QueueDrained(site, drained.waiting(),
                                drained.lowWatermark()), null));
            }
            Decision.Exceeded exceeded = (Decision.Exceeded) decision.queueChange().get();
            List<BurstCandidate> candidates = exceeded.candidates().stream()
                    .map(job -> new BurstCandidate(job.jobId(), job.project(), job.gpus(), job.filesystems(),
                            job.nodePool(), job.gpusPerWorker(), job.workers(), job.runnableAtHome()))
                    .toList();
            LOG.infof("Queue of site %s overflows: %d job(s) wait for GPUs (threshold %d), %d may burst", site,
                    exceeded.waiting(), exceeded.threshold(), candidates.size());
            return jobs.setQueueExceeded(session, site, true)
                    .call(() -> outbox.append(session, new QueueThresholdExceeded(site, exceeded.waiting(),
                            exceeded.threshold(), candidates), null));
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

    /** Blocking is right here: statements are used on the scheduler loop's own thread, never an event loop. */
    private static <T> T await(CompletableFuture<T> step) {
        try {
            return step.get(DB_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure
                    : new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("The database did not answer within " + DB_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the database", e);
        } catch (CancellationException e) {
            throw new IllegalStateException("The scheduling pass's transaction was given up", e);
        }
    }
}
