package io.spillway.scheduler.loop;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.spillway.kit.Outbox;
import io.spillway.kit.ServiceIdentity;
import io.spillway.kit.TraceContext;
import io.spillway.scheduler.SchedulerConfig;
import io.spillway.scheduler.domain.Allocation;
import io.spillway.scheduler.domain.GpuRequest;
import io.spillway.scheduler.domain.InvalidGpuRequest;
import io.spillway.scheduler.domain.JobState;
import io.spillway.scheduler.domain.PendingJob;
import io.spillway.scheduler.domain.Priority;
import io.spillway.scheduler.domain.ProjectQuota;
import io.spillway.scheduler.domain.QueueSignal;
import io.spillway.scheduler.domain.RunningJob;
import io.spillway.scheduler.domain.Scheduler;
import io.spillway.scheduler.domain.SchedulingResult;
import io.spillway.scheduler.domain.SiteSnapshot;
import io.spillway.scheduler.domain.Wait;
import io.spillway.scheduler.executor.ExecutorException;
import io.spillway.scheduler.executor.JobExecutor;
import io.spillway.scheduler.executor.Launch;
import io.spillway.scheduler.executor.MountedVolume;
import io.spillway.scheduler.executor.ProcessExit;
import io.spillway.scheduler.inventory.SiteInventory;
import io.spillway.scheduler.persistence.JobStore;
import io.spillway.scheduler.persistence.ProjectStore;
import io.spillway.scheduler.persistence.StoredJob;
import io.spillway.schemas.BurstCandidate;
import io.spillway.schemas.JobEvent.GpuAllocated;
import io.spillway.schemas.JobEvent.JobCompleted;
import io.spillway.schemas.JobEvent.JobFailed;
import io.spillway.schemas.JobEvent.JobPending;
import io.spillway.schemas.JobEvent.JobPreempted;
import io.spillway.schemas.JobEvent.JobStarted;
import io.spillway.schemas.Placement;
import io.spillway.schemas.QueueEvent.QueueDrained;
import io.spillway.schemas.QueueEvent.QueueThresholdExceeded;
import io.spillway.schemas.VolumeMount;
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
    static final String RESTARTED_WHILE_RUNNING = "its process was lost while the scheduler restarted";
    static final String UNREADABLE_SPEC = "the scheduler cannot read the job's stored spec";
    private static final Duration DB_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration RETRY_DELAY = Duration.ofSeconds(1);
    /** Between tries to release a mount while the storage-agent does not answer. */
    private static final Duration MOUNT_RELEASE_RETRY = Duration.ofSeconds(5);
    /** How long a job whose mount the storage-agent could not grant (it did not answer) sits out of the passes. */
    static final Duration STORAGE_RETRY = Duration.ofSeconds(5);
    /**
     * The oldest waiting jobs that may burst, at most this many per signal: more than a burst site takes at once, and
     * few enough that the event stays far below Kafka's 1 MB message limit.
     */
    static final int MAX_BURST_CANDIDATES = 500;
    /** The span of a job's run at a site, from its start to its end. */
    static final String RUN_SPAN = "job.run";

    private final PgPool pool;
    private final JobStore store;
    private final ProjectStore projects;
    private final Outbox outbox;
    private final SiteInventory inventory;
    private final JobExecutor executor;
    private final JobMounts mounts;
    private final SchedulerConfig config;
    private final String site;
    private final Scheduler scheduler;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread loop = new Thread(runnable, "spillway-scheduler");
        loop.setDaemon(true);
        return loop;
    });
    private final AtomicBoolean passQueued = new AtomicBoolean();
    /** Jobs this process started whose end is not recorded yet, with their workers; only on the loop thread. */
    private final Map<String, GangRun> launched = new HashMap<>();
    /** Whether the queue overflows; read back from the database at the first pass. Only on the loop thread. */
    private QueueSignal queueSignal;
    /**
     * Jobs that wait for the storage-agent, until when: left out of the passes meanwhile, so a storage-agent that is
     * down does not make them take and give back GPUs every pass. Only on the loop thread.
     */
    private final Map<String, StorageWait> waitingForStorage = new HashMap<>();
    /** Whether orphans of a previous process were dealt with; touched only on the loop thread. */
    private boolean recovered;
    /** Field-injected, so the constructor other changes touch stays as it is. */
    @Inject
    Tracer tracer;

    public SchedulerLoop(PgPool pool, JobStore store, ProjectStore projects, Outbox outbox, SiteInventory inventory,
            JobExecutor executor, JobMounts mounts, SchedulerConfig config, ServiceIdentity identity) {
        this.pool = pool;
        this.store = store;
        this.projects = projects;
        this.outbox = outbox;
        this.inventory = inventory;
        this.executor = executor;
        this.mounts = mounts;
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
            if (queueSignal == null) {
                boolean exceeded = inTransaction(tx -> store.queueExceeded(tx, site));
                SchedulerConfig.Queue queue = config.queue();
                queueSignal = new QueueSignal(queue.threshold(),
                        queue.lowWatermark().orElse(queue.threshold() / 2), queue.debounce(), exceeded);
            }
            allocate();
            applyCancellations();
            applyPreemptions();
            startAllocated();
        } catch (RuntimeException e) {
            LOG.warnf(e, "Scheduling pass at %s failed; the next pass tries again", site);
        }
    }

    /**
     * Deals with the jobs that hold GPUs in the database but run in no process of this scheduler: those of a
     * previous process that was killed. Workers still running are adopted and followed to their end; workers that
     * ended meanwhile are recorded with their exit code; a job whose processes are gone without a trace is queued
     * again. Runs on the loop thread before the first pass, so no GPU is placed twice and no job runs twice.
     *
     * @return the ids of the jobs that were not adopted (queued again, or cancelled when that was asked)
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
                    all.removeIf(job -> launched.containsKey(job.jobId()));
                    return all;
                })));
        Map<String, List<Allocation>> held = orphans.isEmpty() ? Map.of() : inTransaction(store::heldByJob);
        List<String> notAdopted = new ArrayList<>();
        for (StoredJob job : orphans) {
            int workers = held.getOrDefault(job.jobId(), List.of()).size();
            Set<Integer> found = executor.adopt(job.jobId(), workers, exit -> submit(() -> recordExit(job, exit)));
            if (workers > 0 && found.size() == workers) {
                GangRun run = new GangRun(workers);
                run.started = workers;
                launched.put(job.jobId(), run);
                if (job.state() == JobState.ALLOCATED) {
                    inTransaction(tx -> store.markRunning(tx, job.jobId())
                            .call(started -> started ? outbox.append(tx, new JobStarted(job.jobId(), site,
                                    executor.name(), job.node()), job.traceparent()) : Uni.createFrom().voidItem()));
                }
                LOG.infof("Adopted job %s (%d worker(s)) from a previous scheduler process", job.jobId(), workers);
                continue;
            }
            if (!found.isEmpty()) {
                // Part of a gang survived: it cannot go on without the rest, and is queued again below.
                executor.stop(job.jobId(), config.cancelGracePeriod());
            } else if (job.state() == JobState.ALLOCATED) {
                continue; // never started: the next pass starts it
            }
            notAdopted.add(job.jobId());
            if (job.cancelRequested()) {
                inTransaction(tx -> store.finish(tx, job.jobId(), JobState.CANCELLED, null, "cancelled"));
            } else {
                requeue(job.jobId(), RESTARTED_WHILE_RUNNING, job.traceparent());
            }
            // The previous process held its mounts; the job asks again when it is placed again.
            releaseMounts(job.jobId(), volumesOf(job));
        }
        recovered = true;
        if (!notAdopted.isEmpty()) {
            LOG.warnf("Queued again %d job(s) whose processes a previous scheduler process lost: %s",
                    notAdopted.size(), notAdopted);
        }
        return notAdopted;
    }

    /**
     * One pass of the core over the site, committed with its events in one go: GpuAllocated for each placed job,
     * JobPreempted for each job that gives way, JobPending when the reason a job waits changes, and the queue
     * signal when it changes.
     */
    private void allocate() {
        SchedulingResult result = inTransaction(tx -> store.lockAllocations(tx)
                .chain(() -> store.heldByJob(tx))
                .chain(held -> store.jobsIn(tx, JobState.RUNNING, true)
                        .chain(runningJobs -> store.jobsIn(tx, JobState.ALLOCATED, true).map(allocatedJobs -> {
                            List<StoredJob> all = new ArrayList<>(runningJobs);
                            all.addAll(allocatedJobs);
                            return all;
                        }))
                        .chain(holding -> store.jobsIn(tx, JobState.PENDING, false)
                                .chain(queue -> projects.all(tx)
                                        .chain(quotas -> decide(tx, held, holding, queue, quotas))))));
        for (Allocation allocation : result.allocations()) {
            LOG.infof("Allocated %s: node %s, GPUs %s, %s of each", allocation.jobId(), allocation.node(),
                    allocation.gpuIds(), allocation.fraction());
        }
        result.preemptions().forEach(preemption -> LOG.infof("Preempting %s (project %s) for %s: %s",
                preemption.jobId(), preemption.project(), preemption.forJobId(), preemption.reason()));
    }

    private Uni<SchedulingResult> decide(SqlConnection tx, Map<String, List<Allocation>> held,
            List<StoredJob> holding, List<StoredJob> queue, List<ProjectQuota> quotas) {
        Map<String, StoredJob> byId = new HashMap<>();
        List<RunningJob> running = new ArrayList<>();
        for (StoredJob job : holding) {
            byId.put(job.jobId(), job);
            List<Allocation> allocations = held.getOrDefault(job.jobId(), List.of());
            if (allocations.isEmpty()) {
                continue;
            }
            String project = job.spec() == null ? "unknown" : job.spec().project();
            Priority priority = job.spec() == null ? Priority.TRAIN : JobRequirements.priority(job.spec());
            OffsetDateTime since = job.startedAt() != null ? job.startedAt() : job.submittedAt();
            running.add(new RunningJob(job.jobId(), project, priority, since.toInstant(), allocations,
                    job.cancelRequested() || job.preemptRequested()));
        }
        List<PendingJob> pending = new ArrayList<>();
        Map<StoredJob, String> unplaceable = new LinkedHashMap<>();
        Instant now = Instant.now();
        for (StoredJob job : queue) {
            byId.put(job.jobId(), job);
            StorageWait storageWait = waitingForStorage.get(job.jobId());
            if (storageWait != null && storageWait.until().isAfter(now)) {
                continue; // keeps its reason; placed again once its wait is over
            }
            if (job.spec() == null) {
                unplaceable.put(job, UNREADABLE_SPEC);
                continue;
            }
            try {
                pending.add(JobRequirements.pendingJob(job.jobId(), job.spec(), job.submittedAt().toInstant()));
            } catch (InvalidGpuRequest e) {
                // The consumer refuses these; one that got through fails alone, the site goes on.
                unplaceable.put(job, e.getMessage());
            }
        }
        SchedulingResult decided = scheduler.schedule(new SiteSnapshot(inventory.nodes(), running, pending, quotas));
        Map<String, List<Allocation>> placed = new LinkedHashMap<>();
        decided.allocations().forEach(allocation -> placed
                .computeIfAbsent(allocation.jobId(), id -> new ArrayList<>()).add(allocation));
        List<Map.Entry<String, Wait>> changed = decided.waiting().entrySet().stream()
                .filter(waiting -> !waiting.getValue().reason().equals(byId.get(waiting.getKey()).reason()))
                .toList();
        return failUnplaceable(tx, unplaceable)
                // A job handed over to a burst site while this pass ran is no longer pending: it gets nothing.
                .chain(() -> sequentially(List.copyOf(placed.entrySet()), job -> store
                        .allocate(tx, job.getKey(), job.getValue())
                        .call(allocated -> allocated ? outbox.append(tx, new GpuAllocated(job.getKey(), site,
                                placements(job.getValue())), byId.get(job.getKey()).traceparent())
                                : Uni.createFrom().voidItem())))
                .chain(() -> sequentially(decided.preemptions(), preemption -> store
                        .requestPreempt(tx, preemption.jobId(), preemption.reason())
                        .call(asked -> asked ? outbox.append(tx, new JobPreempted(preemption.jobId(), site,
                                preemption.reason(), preemption.forJobId()),
                                byId.get(preemption.jobId())
                                        .traceparent())
                                : Uni.createFrom().voidItem())))
                .chain(() -> sequentially(changed, waiting -> store
                        .setReason(tx, waiting.getKey(), waiting.getValue().reason(),
                                waiting.getValue().kind().name())
                        .call(() -> outbox.append(tx, new JobPending(waiting.getKey(), site,
                                waiting.getValue().reason()), byId.get(waiting.getKey()).traceparent()))))
                .chain(() -> signalQueue(tx, decided, pending, byId))
                .replaceWith(decided);
    }

    /**
     * Feeds the number of jobs waiting for GPUs to the queue signal, and announces a change:
     * {@code QueueThresholdExceeded} with the waiting jobs that may burst (oldest first), or {@code QueueDrained}.
     */
    private Uni<Void> signalQueue(SqlConnection tx, SchedulingResult decided, List<PendingJob> pending,
            Map<String, StoredJob> byId) {
        long waiting = decided.waitingForCapacity();
        Optional<QueueSignal.Change> change = queueSignal.observe(Instant.now(), waiting);
        if (change.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int count = (int) Math.min(Integer.MAX_VALUE, waiting);
        if (change.get() == QueueSignal.Change.DRAINED) {
            LOG.infof("Queue of site %s drained: %d job(s) wait for GPUs", site, count);
            return store.setQueueExceeded(tx, site, false)
                    .call(() -> outbox.append(tx, new QueueDrained(site, count, queueSignal.lowWatermark()), null));
        }
        List<BurstCandidate> candidates = new ArrayList<>();
        for (PendingJob job : pending.stream().sorted(java.util.Comparator.comparing(PendingJob::submittedAt))
                .toList()) {
            Wait wait = decided.waiting().get(job.jobId());
            StoredJob stored = byId.get(job.jobId());
            if (candidates.size() == MAX_BURST_CANDIDATES) {
                break;
            }
            if (wait != null && wait.forCapacity() && stored.spec().mayBurst()
                    && job.priority() != Priority.INTERACTIVE) {
                candidates.add(new BurstCandidate(job.jobId(), job.project(), demand(job),
                        stored.spec().volumes().stream().map(VolumeMount::filesystem).distinct().toList()));
            }
        }
        LOG.infof("Queue of site %s overflows: %d job(s) wait for GPUs (threshold %d), %d may burst", site, count,
                queueSignal.threshold(), candidates.size());
        return store.setQueueExceeded(tx, site, true)
                .call(() -> outbox.append(tx, new QueueThresholdExceeded(site, count, queueSignal.threshold(),
                        candidates), null));
    }

    private static double demand(PendingJob job) {
        if (job.request() instanceof GpuRequest.Whole whole) {
            return (double) whole.count() * job.workers();
        }
        if (job.request() instanceof GpuRequest.Shared shared) {
            return shared.fraction() * job.workers();
        }
        return job.workers();
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
                releaseMounts(job.jobId(), volumesOf(job));
            }
        }
    }

    /** Jobs asked to give way: running ones are stopped (their exit requeues them), the others requeued now. */
    private void applyPreemptions() {
        for (StoredJob job : inTransaction(store::preemptRequested)) {
            if (executor.stop(job.jobId(), config.preemptGracePeriod())) {
                continue; // its exit puts it back in the queue
            }
            if (!launched.containsKey(job.jobId())) {
                requeue(job.jobId(), "preempted, " + job.preemptReason(), job.traceparent());
                releaseMounts(job.jobId(), volumesOf(job));
            }
        }
    }

    private void requeue(String jobId, String why, String traceparent) {
        requeue(jobId, why, traceparent, true);
    }

    private void requeue(String jobId, String why, String traceparent, boolean announce) {
        String reason = "queued again: " + why;
        inTransaction(tx -> store.requeue(tx, jobId, reason)
                .call(requeued -> requeued && announce
                        ? outbox.append(tx, new JobPending(jobId, site, reason), traceparent)
                        : Uni.createFrom().voidItem()));
        LOG.infof("Job %s is back in the queue: %s", jobId, reason);
    }

    private void startAllocated() {
        List<StoredJob> allocated = inTransaction(tx -> store.jobsIn(tx, JobState.ALLOCATED, false));
        if (allocated.isEmpty()) {
            return;
        }
        Map<String, List<Allocation>> held = inTransaction(store::heldByJob);
        for (StoredJob job : allocated) {
            List<Allocation> workers = held.getOrDefault(job.jobId(), List.of());
            if (!launched.containsKey(job.jobId())) {
                JobMounts.Acquired acquired = mounts.acquire(job.jobId(), volumesOf(job));
                if (acquired instanceof JobMounts.Acquired.Unavailable unavailable) {
                    // Not the job's fault: it gives its GPUs back, and is placed and asks again after a while.
                    LOG.warnf("Job %s waits: %s", job.jobId(), unavailable.reason());
                    StorageWait before = waitingForStorage.put(job.jobId(),
                            new StorageWait(Instant.now().plus(STORAGE_RETRY), unavailable.reason()));
                    // Said once: the same reason at every try would only fill the job's history.
                    requeue(job.jobId(), unavailable.reason(), job.traceparent(),
                            before == null || !before.reason().equals(unavailable.reason()));
                    continue;
                }
                waitingForStorage.remove(job.jobId());
                if (acquired instanceof JobMounts.Acquired.Refused refused) {
                    LOG.warnf("Job %s cannot start: %s", job.jobId(), refused.reason());
                    failBeforeStart(job, refused.reason());
                    continue;
                }
                List<MountedVolume> granted = ((JobMounts.Acquired.Granted) acquired).mounts();
                GangRun run = new GangRun(workers.size());
                launched.put(job.jobId(), run);
                try {
                    for (int worker = 0; worker < workers.size(); worker++) {
                        executor.start(launch(job, worker, workers, granted),
                                exit -> submit(() -> recordExit(job, exit)));
                        run.started++;
                    }
                } catch (ExecutorException e) {
                    LOG.warnf("Job %s did not start: %s", job.jobId(), e.getMessage());
                    if (run.started > 0) {
                        // Workers already up are taken down; the last exit records the failure.
                        run.failure = e.getMessage();
                        run.workers = run.started;
                        executor.stop(job.jobId(), config.cancelGracePeriod());
                        continue;
                    }
                    launched.remove(job.jobId());
                    failBeforeStart(job, e.getMessage());
                    continue;
                }
            }
            // A job launched earlier whose commit failed gets here again on the next pass, and is not started twice.
            String nodes = workers.stream().map(Allocation::node).distinct().collect(Collectors.joining(","));
            inTransaction(tx -> store.markRunning(tx, job.jobId())
                    .call(started -> started ? outbox.append(tx, new JobStarted(job.jobId(), site, executor.name(),
                            nodes), job.traceparent()) : Uni.createFrom().voidItem()));
        }
    }

    /** Fails a job none of whose workers started, and gives back what it held: GPUs and mounts. */
    private void failBeforeStart(StoredJob job, String reason) {
        inTransaction(tx -> store.finish(tx, job.jobId(), JobState.FAILED, null, reason)
                .call(ended -> ended ? outbox.append(tx, new JobFailed(job.jobId(), site, null, reason, 0),
                        job.traceparent()) : Uni.createFrom().voidItem()));
        releaseMounts(job.jobId(), volumesOf(job));
        requestPass();
    }

    /**
     * Releases the job's mounts at the storage-agent; what cannot be released now is tried again until it is, unless
     * the job has started again meanwhile (its new mounts are the same rows, and must stay).
     */
    private void releaseMounts(String jobId, List<VolumeMount> volumes) {
        waitingForStorage.remove(jobId);
        if (launched.containsKey(jobId)) {
            return;
        }
        List<VolumeMount> left = mounts.release(jobId, volumes);
        if (!left.isEmpty()) {
            schedule(() -> releaseMounts(jobId, left), MOUNT_RELEASE_RETRY);
        }
    }

    private static List<VolumeMount> volumesOf(StoredJob job) {
        return job.spec() == null ? List.of() : job.spec().volumes();
    }

    /**
     * Records a worker's end; when the last worker of the job has ended, records how the job ended and frees its
     * GPUs. A worker that fails takes its gang down: the other workers are stopped. Retried until the database
     * takes it.
     */
    private void recordExit(StoredJob launchedJob, ProcessExit exit) {
        GangRun run = launched.get(launchedJob.jobId());
        if (run == null) {
            return;
        }
        if (!run.recorded(exit)) {
            run.ended++;
            if (!exit.cancelled() && exit.exitCode() != 0 && run.failure == null) {
                run.failure = "a worker exited with code " + exit.exitCode();
                run.failedCode = exit.exitCode();
                executor.stop(launchedJob.jobId(), config.cancelGracePeriod());
            }
            run.durationMs = Math.max(run.durationMs, exit.durationMs());
        }
        if (run.ended < run.workers) {
            return;
        }
        try {
            StoredJob job = inTransaction(tx -> store.find(tx, launchedJob.jobId())).orElse(launchedJob);
            // Recorded now that the run is over, with its real start; the end event continues it. Ended (exported)
            // only once the end is committed: a retried record does not trace the run twice.
            Span runSpan = runSpan(job, run);
            String runTrace = Optional.ofNullable(TraceContext.of(runSpan.getSpanContext())).orElse(job.traceparent());
            if (job.cancelRequested()) {
                runSpan.setAttribute("spillway.job.outcome", "cancelled");
                inTransaction(tx -> store.finish(tx, job.jobId(), JobState.CANCELLED, exit.exitCode(), "cancelled"));
            } else if (job.preemptRequested()) {
                runSpan.setAttribute("spillway.job.outcome", "preempted");
                requeue(job.jobId(), "preempted, " + job.preemptReason(), job.traceparent());
            } else if (run.failure == null) {
                runSpan.setAttribute("spillway.job.outcome", "succeeded");
                inTransaction(tx -> store.finish(tx, job.jobId(), JobState.SUCCEEDED, 0, null)
                        .call(ended -> ended ? outbox.append(tx, new JobCompleted(job.jobId(), site, 0,
                                run.durationMs), runTrace) : Uni.createFrom().voidItem()));
            } else {
                Integer code = run.failedCode;
                String reason = run.workers > 1 ? run.failure : "exited with code " + code;
                runSpan.setAttribute("spillway.job.outcome", "failed").setAttribute("spillway.job.exit_code",
                        code == null ? -1 : code);
                runSpan.setStatus(StatusCode.ERROR, reason);
                inTransaction(tx -> store.finish(tx, job.jobId(), JobState.FAILED, code, reason)
                        .call(ended -> ended ? outbox.append(tx, new JobFailed(job.jobId(), site, code, reason,
                                run.durationMs), runTrace) : Uni.createFrom().voidItem()));
            }
            runSpan.end();
            launched.remove(job.jobId());
            // Every end (done, failed, cancelled, preempted) gives the job's filesystems back.
            releaseMounts(job.jobId(), volumesOf(job));
            LOG.infof("Job %s ended after %d ms%s", job.jobId(), run.durationMs,
                    run.failure == null ? "" : ": " + run.failure);
            pass();
        } catch (RuntimeException e) {
            LOG.warnf("Cannot record the end of job %s yet (%s); retrying", launchedJob.jobId(), e.getMessage());
            schedule(() -> recordExit(launchedJob, exit), RETRY_DELAY);
        }
    }

    /** The job's run at this site, in the job's trace, from its recorded start (or its duration back from now). */
    private Span runSpan(StoredJob job, GangRun run) {
        Instant startedAt = job.startedAt() != null ? job.startedAt().toInstant()
                : Instant.now().minusMillis(run.durationMs);
        return tracer.spanBuilder(RUN_SPAN)
                .setParent(TraceContext.parse(job.traceparent()))
                .setSpanKind(SpanKind.INTERNAL)
                .setStartTimestamp(startedAt)
                .setAttribute("spillway.job.id", job.jobId())
                .setAttribute("spillway.site", site)
                .setAttribute("spillway.executor", executor.name())
                .setAttribute("spillway.job.workers", run.workers)
                .setAttribute("spillway.job.duration_ms", run.durationMs)
                .startSpan();
    }

    private Launch launch(StoredJob job, int worker, List<Allocation> workers, List<MountedVolume> granted) {
        Allocation allocation = workers.get(worker);
        return new Launch(job.jobId(), worker, workers.size(), site, allocation.node(), job.spec().image(),
                job.spec().command(), job.spec().env(), allocation.gpuIds(), allocation.fraction(),
                job.spec().gpuMemoryMiB(), job.spec().volumes(), granted);
    }

    private static List<Placement> placements(List<Allocation> workers) {
        List<Placement> placements = new ArrayList<>();
        for (int worker = 0; worker < workers.size(); worker++) {
            Allocation allocation = workers.get(worker);
            placements.add(new Placement(worker, allocation.node(), allocation.gpuIds(), allocation.fraction()));
        }
        return placements;
    }

    /** A job that waits for the storage-agent until {@code until}, and what it was told. */
    private record StorageWait(Instant until, String reason) {
    }

    /** The workers of one launched job and how they ended; only on the loop thread. */
    private static final class GangRun {
        int workers;
        int started;
        int ended;
        long durationMs;
        String failure;
        Integer failedCode;
        private final Set<Integer> seen = new HashSet<>();

        GangRun(int workers) {
            this.workers = workers;
        }

        /** Whether this worker's exit was counted already (a retried record). */
        boolean recorded(ProcessExit exit) {
            return !seen.add(exit.worker());
        }
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
