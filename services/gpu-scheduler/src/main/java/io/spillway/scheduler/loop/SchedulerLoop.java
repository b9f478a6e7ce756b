package io.spillway.scheduler.loop;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.spillway.kit.Outbox;
import io.spillway.kit.ServiceIdentity;
import io.spillway.scheduler.SchedulerConfig;
import io.spillway.scheduler.domain.Allocation;
import io.spillway.scheduler.domain.InvalidGpuRequest;
import io.spillway.scheduler.domain.JobState;
import io.spillway.scheduler.domain.PendingJob;
import io.spillway.scheduler.domain.Scheduler;
import io.spillway.scheduler.domain.SchedulingResult;
import io.spillway.scheduler.domain.SiteSnapshot;
import io.spillway.scheduler.executor.ExecutorException;
import io.spillway.scheduler.executor.JobExecutor;
import io.spillway.scheduler.executor.Launch;
import io.spillway.scheduler.executor.ProcessExit;
import io.spillway.scheduler.inventory.SiteInventory;
import io.spillway.scheduler.persistence.JobStore;
import io.spillway.scheduler.persistence.StoredJob;
import io.spillway.schemas.JobEvent.GpuAllocated;
import io.spillway.schemas.JobEvent.JobCompleted;
import io.spillway.schemas.JobEvent.JobFailed;
import io.spillway.schemas.JobEvent.JobPending;
import io.spillway.schemas.JobEvent.JobStarted;
import io.spillway.schemas.Placement;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Drives the site: runs scheduling passes (after each event, and on a timer), starts allocated jobs and records how
 * they end. Every transition runs on one thread, so passes, starts and exits never race; each one commits its state
 * change and its event together through the outbox. The database is the truth: a restarted loop reads it back.
 */
@ApplicationScoped
public class SchedulerLoop {

    private static final Logger LOG = Logger.getLogger(SchedulerLoop.class);
    static final String RESTARTED_WHILE_RUNNING = "scheduler restarted while the job ran";
    static final String RESTARTED_BEFORE_START = "scheduler restarted before the job started";
    static final String UNREADABLE_SPEC = "the scheduler cannot read the job's stored spec";
    private static final Duration DB_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration RETRY_DELAY = Duration.ofSeconds(1);

    private final PgPool pool;
    private final JobStore store;
    private final Outbox outbox;
    private final SiteInventory inventory;
    private final JobExecutor executor;
    private final SchedulerConfig config;
    private final String site;
    private final Scheduler scheduler;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread loop = new Thread(runnable, "spillway-scheduler");
        loop.setDaemon(true);
        return loop;
    });
    private final AtomicBoolean passQueued = new AtomicBoolean();
    /** Jobs this process started whose end is not recorded yet; touched only on the loop thread. */
    private final Set<String> launched = new HashSet<>();
    /** Whether orphans of a previous process were dealt with; touched only on the loop thread. */
    private boolean recovered;

    public SchedulerLoop(PgPool pool, JobStore store, Outbox outbox, SiteInventory inventory, JobExecutor executor,
            SchedulerConfig config, ServiceIdentity identity) {
        this.pool = pool;
        this.store = store;
        this.outbox = outbox;
        this.inventory = inventory;
        this.executor = executor;
        this.config = config;
        this.site = identity.site();
        this.scheduler = new Scheduler(config.maxJobsPerGpu());
    }

    void start(@Observes StartupEvent event) {
        long interval = config.passInterval().toMillis();
        LOG.infof("Scheduler of site %s: %d node(s), a pass every %s, jobs run in %s", site, inventory.nodes().size(),
                config.passInterval(), config.workDir().toAbsolutePath());
        thread.scheduleWithFixedDelay(this::requestPass, 0, interval, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        thread.shutdownNow();
        executor.stopAll();
    }

    /** Asks for a scheduling pass soon; requests that arrive while one is queued share it. */
    public void requestPass() {
        if (passQueued.compareAndSet(false, true)) {
            submit(this::pass);
        }
    }

    private void pass() {
        passQueued.set(false);
        try {
            if (!recovered) {
                recoverOrphansNow();
            }
            allocate();
            applyCancellations();
            startAllocated();
        } catch (RuntimeException e) {
            LOG.warnf(e, "Scheduling pass at %s failed; the next pass tries again", site);
        }
    }

    /**
     * Fails the jobs that hold GPUs in the database but run in no process of this scheduler: those of a previous
     * process, which took them down when it stopped (see {@link JobExecutor#stopAll()}). Runs on the loop thread
     * before the first pass, so no GPU is placed twice; later issues may re-adopt such jobs instead.
     *
     * @return the ids of the jobs it failed or, when they were being cancelled, cancelled
     */
    public CompletableFuture<List<String>> recoverOrphans() {
        CompletableFuture<List<String>> done = new CompletableFuture<>();
        submit(() -> {
            try {
                done.complete(recoverOrphansNow());
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    private List<String> recoverOrphansNow() {
        List<StoredJob> orphans = inTransaction(tx -> store.jobsIn(tx, JobState.RUNNING, true)
                .chain(running -> store.jobsIn(tx, JobState.ALLOCATED, true).map(allocated -> {
                    List<StoredJob> all = new ArrayList<>(running);
                    all.addAll(allocated);
                    all.removeIf(job -> launched.contains(job.jobId()));
                    return all;
                }))
                .call(all -> sequentially(all, job -> {
                    if (job.cancelRequested()) {
                        return store.finish(tx, job.jobId(), JobState.CANCELLED, null, "cancelled");
                    }
                    String reason = job.state() == JobState.RUNNING ? RESTARTED_WHILE_RUNNING : RESTARTED_BEFORE_START;
                    return store.finish(tx, job.jobId(), JobState.FAILED, null, reason)
                            .call(() -> outbox.append(tx, new JobFailed(job.jobId(), site, null, reason,
                                    ranFor(job)), job.traceparent()));
                })));
        recovered = true;
        List<String> ids = orphans.stream().map(StoredJob::jobId).toList();
        if (!ids.isEmpty()) {
            LOG.warnf("Freed the GPUs of %d job(s) left by a previous scheduler process: %s", ids.size(), ids);
        }
        return ids;
    }

    /** One pass of the core over the site, committed with its GpuAllocated and JobPending events in one go. */
    private void allocate() {
        SchedulingResult result = inTransaction(tx -> store.lockAllocations(tx)
                .chain(() -> store.heldAllocations(tx))
                .chain(held -> store.jobsIn(tx, JobState.PENDING, false).chain(queue -> {
                    Map<String, StoredJob> byId = new HashMap<>();
                    List<PendingJob> pending = new ArrayList<>();
                    Map<StoredJob, String> unplaceable = new java.util.LinkedHashMap<>();
                    for (StoredJob job : queue) {
                        byId.put(job.jobId(), job);
                        if (job.spec() == null) {
                            unplaceable.put(job, UNREADABLE_SPEC);
                            continue;
                        }
                        try {
                            pending.add(new PendingJob(job.jobId(), JobRequirements.gpuRequest(job.spec()),
                                    job.submittedAt().toInstant(), job.spec().nodePool()));
                        } catch (InvalidGpuRequest e) {
                            // The consumer refuses these; one that got through fails alone, the site goes on.
                            unplaceable.put(job, e.getMessage());
                        }
                    }
                    SchedulingResult decided = scheduler.schedule(new SiteSnapshot(inventory.nodes(), held, pending));
                    Uni<Void> allocations = sequentially(decided.allocations(), allocation -> store
                            .allocate(tx, allocation)
                            .call(() -> outbox.append(tx, new GpuAllocated(allocation.jobId(), site,
                                    List.of(placement(allocation))), byId.get(allocation.jobId()).traceparent())));
                    List<Map.Entry<String, String>> changed = decided.waiting().entrySet().stream()
                            .filter(waiting -> !waiting.getValue().equals(byId.get(waiting.getKey()).reason()))
                            .toList();
                    return failUnplaceable(tx, unplaceable)
                            .chain(() -> allocations)
                            .chain(() -> sequentially(changed, waiting -> store
                                    .setReason(tx, waiting.getKey(), waiting.getValue())
                                    .call(() -> outbox.append(tx, new JobPending(waiting.getKey(), site,
                                            waiting.getValue()), byId.get(waiting.getKey()).traceparent()))))
                            .replaceWith(decided);
                })));
        for (Allocation allocation : result.allocations()) {
            LOG.infof("Allocated %s: node %s, GPUs %s, %s of each", allocation.jobId(), allocation.node(),
                    allocation.gpuIds(), allocation.fraction());
        }
    }

    private Uni<Void> failUnplaceable(SqlConnection tx, Map<StoredJob, String> unplaceable) {
        return sequentially(List.copyOf(unplaceable.entrySet()), entry -> {
            StoredJob job = entry.getKey();
            LOG.errorf("Job %s cannot be placed and fails: %s", job.jobId(), entry.getValue());
            return store.finish(tx, job.jobId(), JobState.FAILED, null, entry.getValue())
                    .call(() -> outbox.append(tx, new JobFailed(job.jobId(), site, null, entry.getValue(), 0),
                            job.traceparent()))
                    .replaceWithVoid();
        });
    }

    /** Cancelled jobs that wait or are about to start end here; running ones are stopped and end when they exit. */
    private void applyCancellations() {
        for (StoredJob job : inTransaction(store::cancelRequested)) {
            if (executor.stop(job.jobId(), config.cancelGracePeriod())) {
                continue; // its exit is recorded as cancelled
            }
            // Nothing to emit: job-intake marks the job cancelled from the JobCancelled event itself.
            if (inTransaction(tx -> store.finish(tx, job.jobId(), JobState.CANCELLED, null, "cancelled"))) {
                LOG.infof("Cancelled %s while %s", job.jobId(), job.state());
            }
        }
    }

    private void startAllocated() {
        for (StoredJob job : inTransaction(tx -> store.jobsIn(tx, JobState.ALLOCATED, false))) {
            if (launched.add(job.jobId())) {
                try {
                    executor.start(launch(job), exit -> submit(() -> recordExit(job, exit)));
                } catch (ExecutorException e) {
                    launched.remove(job.jobId());
                    LOG.warnf("Job %s did not start: %s", job.jobId(), e.getMessage());
                    String reason = e.getMessage();
                    inTransaction(tx -> store.finish(tx, job.jobId(), JobState.FAILED, null, reason)
                            .call(ended -> ended ? outbox.append(tx, new JobFailed(job.jobId(), site, null, reason, 0),
                                    job.traceparent()) : Uni.createFrom().voidItem()));
                    requestPass();
                    continue;
                }
            }
            // A job launched earlier whose commit failed gets here again on the next pass, and is not started twice.
            inTransaction(tx -> store.markRunning(tx, job.jobId())
                    .call(started -> started ? outbox.append(tx, new JobStarted(job.jobId(), site, executor.name(),
                            job.node()), job.traceparent()) : Uni.createFrom().voidItem()));
        }
    }

    /** Records how a job ended, frees its GPUs, and lets the next pass use them. Retried until the database takes it. */
    private void recordExit(StoredJob job, ProcessExit exit) {
        try {
            inTransaction(tx -> {
                if (exit.cancelled()) {
                    return store.finish(tx, job.jobId(), JobState.CANCELLED, exit.exitCode(), "cancelled");
                }
                if (exit.exitCode() == 0) {
                    return store.finish(tx, job.jobId(), JobState.SUCCEEDED, 0, null)
                            .call(ended -> ended ? outbox.append(tx, new JobCompleted(job.jobId(), site, 0,
                                    exit.durationMs()), job.traceparent()) : Uni.createFrom().voidItem());
                }
                String reason = "exited with code " + exit.exitCode();
                return store.finish(tx, job.jobId(), JobState.FAILED, exit.exitCode(), reason)
                        .call(ended -> ended ? outbox.append(tx, new JobFailed(job.jobId(), site, exit.exitCode(),
                                reason, exit.durationMs()), job.traceparent()) : Uni.createFrom().voidItem());
            });
            launched.remove(job.jobId());
            LOG.infof("Job %s ended with exit code %d after %d ms%s", job.jobId(), exit.exitCode(), exit.durationMs(),
                    exit.cancelled() ? " (cancelled)" : "");
            pass();
        } catch (RuntimeException e) {
            LOG.warnf("Cannot record the end of job %s yet (%s); retrying", job.jobId(), e.getMessage());
            schedule(() -> recordExit(job, exit), RETRY_DELAY);
        }
    }

    private Launch launch(StoredJob job) {
        return new Launch(job.jobId(), 0, 1, site, job.node(), job.spec().image(), job.spec().command(),
                job.spec().env(), job.gpuIds(), Objects.requireNonNullElse(job.gpuFraction(), 1.0),
                job.spec().gpuMemoryMiB(), job.spec().volumes());
    }

    private static Placement placement(Allocation allocation) {
        return new Placement(0, allocation.node(), allocation.gpuIds(), allocation.fraction());
    }

    private static long ranFor(StoredJob job) {
        return job.startedAt() == null ? 0
                : Math.max(0, Duration.between(job.startedAt(), OffsetDateTime.now()).toMillis());
    }

    private <T> T inTransaction(Function<SqlConnection, Uni<T>> work) {
        // Blocking is right here: this is the loop's own thread, never an event loop.
        return pool.withTransaction(work).await().atMost(DB_TIMEOUT);
    }

    private static <T> Uni<Void> sequentially(List<T> items, Function<T, Uni<?>> step) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (T item : items) {
            chain = chain.chain(() -> step.apply(item)).replaceWithVoid();
        }
        return chain;
    }

    private void submit(Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debugf("Scheduler loop is shut down; dropping a task");
        }
    }

    private void schedule(Runnable task, Duration delay) {
        try {
            thread.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debugf("Scheduler loop is shut down; dropping a retry");
        }
    }
}
