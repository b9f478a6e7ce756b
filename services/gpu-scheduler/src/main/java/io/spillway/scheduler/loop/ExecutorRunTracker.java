package io.spillway.scheduler.loop;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.smallrye.mutiny.Uni;
import io.spillway.kit.Outbox;
import io.spillway.kit.ServiceIdentity;
import io.spillway.kit.TraceContext;
import io.spillway.kit.Transactions;
import io.spillway.scheduler.config.SchedulerConfig;
import io.spillway.scheduler.domain.Allocation;
import io.spillway.scheduler.domain.JobState;
import io.spillway.scheduler.domain.LeaseLost;
import io.spillway.scheduler.domain.LeaseTerm;
import io.spillway.scheduler.executor.ExecutorException;
import io.spillway.scheduler.executor.JobExecutor;
import io.spillway.scheduler.executor.Launch;
import io.spillway.scheduler.executor.MountedVolume;
import io.spillway.scheduler.executor.ProcessExit;
import io.spillway.scheduler.persistence.JobStore;
import io.spillway.scheduler.persistence.LeaseStore;
import io.spillway.scheduler.persistence.StoredJob;
import io.spillway.schemas.JobEvent.JobCompleted;
import io.spillway.schemas.JobEvent.JobFailed;
import io.spillway.schemas.JobEvent.JobPending;
import io.spillway.schemas.JobEvent.JobStarted;
import io.spillway.schemas.VolumeMount;

/**
 * Runs the site's allocated jobs through its {@link JobExecutor} and records how they end: mounts their volumes,
 * starts their workers, follows a gang to its last worker's exit, stops what is cancelled or preempted, adopts the
 * jobs of a previous process, and gives back GPUs and mounts at every end. Each transition commits its state change
 * and its event together through the outbox, behind the lease's fence: it acts only for the term it took over under
 * ({@link #recoverOrphans}), and a write of a term that no longer holds the lease rolls back ({@link LeaseLost}).
 */
@ApplicationScoped
public class ExecutorRunTracker implements RunTracker {

    private static final Logger LOG = Logger.getLogger(ExecutorRunTracker.class);
    static final String RESTARTED_WHILE_RUNNING = "its process was lost while the scheduler restarted";
    private static final Duration DB_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration RETRY_DELAY = Duration.ofSeconds(1);
    /** Between tries to release a mount while the storage-agent does not answer. */
    private static final Duration MOUNT_RELEASE_RETRY = Duration.ofSeconds(5);
    /** How long a job whose mount the storage-agent could not grant (it did not answer) sits out of the passes. */
    static final Duration STORAGE_RETRY = Duration.ofSeconds(5);
    /** The span of a job's run at a site, from its start to its end. */
    static final String RUN_SPAN = "job.run";

    private final Transactions transactions;
    private final JobStore store;
    private final Outbox outbox;
    private final JobExecutor executor;
    private final JobMounts mounts;
    private final SchedulerConfig config;
    private final String site;
    private final Tracer tracer;
    private final LoopThread thread;
    private final LeaseStore leases;
    private final Leadership leadership;
    /** The term this tracker acts under, from its take-over to its step-down; {@code null} on a standby. */
    private LeaseTerm term;
    /** Jobs this process started whose end is not recorded yet, with their workers; only on the loop thread. */
    private final Map<String, GangRun> launched = new HashMap<>();
    /**
     * Jobs that wait for the storage-agent, until when: left out of the passes meanwhile, so a storage-agent that is
     * down does not make them take and give back GPUs every pass. Only on the loop thread.
     */
    private final Map<String, StorageWait> waitingForStorage = new HashMap<>();

    public ExecutorRunTracker(Transactions transactions, JobStore store, Outbox outbox, JobExecutor executor, JobMounts mounts,
            SchedulerConfig config, ServiceIdentity identity, Tracer tracer, LoopThread thread, LeaseStore leases,
            Leadership leadership) {
        this.transactions = transactions;
        this.store = store;
        this.outbox = outbox;
        this.executor = executor;
        this.mounts = mounts;
        this.config = config;
        this.site = identity.site();
        this.tracer = tracer;
        this.thread = thread;
        this.leases = leases;
        this.leadership = leadership;
    }

    /**
     * Workers still running are adopted and followed to their end; workers that ended meanwhile are recorded with
     * their exit code; a job whose processes are gone without a trace is queued again. The loop runs it before its
     * first pass under a term, so no GPU is placed twice and no job runs twice: the same whether the previous leader
     * was this process, a killed one, or another instance that lost the lease.
     */
    @Override
    public List<String> recoverOrphans(LeaseTerm term) {
        if (this.term != null && !this.term.equals(term)) {
            stepDown(); // what a take-over under an earlier term followed is stale: someone may have led since
        }
        this.term = term;
        List<StoredJob> orphans = inTransaction(session -> store.jobsIn(session, JobState.RUNNING, true)
                .chain(running -> store.jobsIn(session, JobState.ALLOCATED, true).map(allocated -> {
                    List<StoredJob> all = new ArrayList<>(running);
                    all.addAll(allocated);
                    return all;
                })));
        // Back on the loop thread, the only one that touches what this process launched.
        orphans.removeIf(job -> launched.containsKey(job.jobId()));
        Map<String, List<Allocation>> held = orphans.isEmpty() ? Map.of() : inTransaction(store::heldByJob);
        List<String> notAdopted = new ArrayList<>();
        for (StoredJob job : orphans) {
            int workers = held.getOrDefault(job.jobId(), List.of()).size();
            Set<Integer> found = executor.adopt(job.jobId(), workers,
                    exit -> thread.execute(() -> recordExit(job, exit)));
            if (workers > 0 && found.size() == workers) {
                GangRun run = new GangRun(workers);
                run.started = workers;
                launched.put(job.jobId(), run);
                if (job.state() == JobState.ALLOCATED) {
                    markRunning(job, job.node());
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
                fenced(session -> store.finish(session, job.jobId(), JobState.CANCELLED, null, "cancelled"));
            } else {
                requeue(job.jobId(), RESTARTED_WHILE_RUNNING, job.traceparent());
            }
            // The previous process held its mounts; the job asks again when it is placed again.
            releaseMounts(job.jobId(), job.volumes());
        }
        if (!notAdopted.isEmpty()) {
            LOG.warnf("Queued again %d job(s) whose processes a previous scheduler process lost: %s",
                    notAdopted.size(), notAdopted);
        }
        return notAdopted;
    }

    @Override
    public Map<String, Instant> storageWaits() {
        Map<String, Instant> until = new HashMap<>();
        waitingForStorage.forEach((jobId, wait) -> until.put(jobId, wait.until()));
        return until;
    }

    /** Cancelled jobs that wait or are about to start end here; running ones are stopped and end when they exit. */
    @Override
    public void applyCancellations() {
        for (StoredJob job : inTransaction(store::cancelRequested)) {
            if (executor.stop(job.jobId(), config.cancelGracePeriod())) {
                continue; // its exit is recorded as cancelled
            }
            // Nothing to emit: job-intake marks the job cancelled from the JobCancelled event itself.
            if (fenced(session -> store.finish(session, job.jobId(), JobState.CANCELLED, null, "cancelled"))) {
                LOG.infof("Cancelled %s while %s", job.jobId(), job.state());
                releaseMounts(job.jobId(), job.volumes());
            }
        }
    }

    /** Jobs asked to give way: running ones are stopped (their exit requeues them), the others requeued now. */
    @Override
    public void applyPreemptions() {
        for (StoredJob job : inTransaction(store::preemptRequested)) {
            if (executor.stop(job.jobId(), config.preemptGracePeriod())) {
                continue; // its exit puts it back in the queue
            }
            if (!launched.containsKey(job.jobId())) {
                requeue(job.jobId(), "preempted, " + job.preemptReason(), job.traceparent());
                releaseMounts(job.jobId(), job.volumes());
            }
        }
    }

    @Override
    public void launchAllocated() {
        List<StoredJob> allocated = inTransaction(session -> store.jobsIn(session, JobState.ALLOCATED, false));
        if (allocated.isEmpty()) {
            return;
        }
        Map<String, List<Allocation>> held = inTransaction(store::heldByJob);
        for (StoredJob job : allocated) {
            List<Allocation> workers = held.getOrDefault(job.jobId(), List.of());
            if (!launched.containsKey(job.jobId()) && !launch(job, workers)) {
                continue;
            }
            // A job launched earlier whose commit failed gets here again on the next pass, and is not started twice.
            markRunning(job, workers.stream().map(Allocation::node).distinct().collect(Collectors.joining(",")));
        }
    }

    /** Mounts the job's volumes and starts its workers; {@code false} when it did not start (it waits, or failed). */
    private boolean launch(StoredJob job, List<Allocation> workers) {
        if (!mayStart(job)) {
            return false;
        }
        JobMounts.Acquired acquired = mounts.acquire(job.jobId(), job.volumes());
        if (acquired instanceof JobMounts.Acquired.Unavailable unavailable) {
            // Not the job's fault: it gives its GPUs back, and is placed and asks again after a while.
            LOG.warnf("Job %s waits: %s", job.jobId(), unavailable.reason());
            StorageWait before = waitingForStorage.put(job.jobId(),
                    new StorageWait(Instant.now().plus(STORAGE_RETRY), unavailable.reason()));
            // Said once: the same reason at every try would only fill the job's history.
            requeue(job.jobId(), unavailable.reason(), job.traceparent(),
                    before == null || !before.reason().equals(unavailable.reason()));
            return false;
        }
        waitingForStorage.remove(job.jobId());
        if (acquired instanceof JobMounts.Acquired.Refused refused) {
            LOG.warnf("Job %s cannot start: %s", job.jobId(), refused.reason());
            failBeforeStart(job, refused.reason());
            return false;
        }
        List<MountedVolume> granted = ((JobMounts.Acquired.Granted) acquired).mounts();
        if (!mayStart(job)) {
            return false; // the mounts are the successor's to ask for again (the same rows) or to release
        }
        GangRun run = new GangRun(workers.size());
        launched.put(job.jobId(), run);
        try {
            for (int worker = 0; worker < workers.size(); worker++) {
                executor.start(launch(job, worker, workers, granted),
                        exit -> thread.execute(() -> recordExit(job, exit)));
                run.started++;
            }
            return true;
        } catch (ExecutorException e) {
            LOG.warnf("Job %s did not start: %s", job.jobId(), e.getMessage());
            if (run.started > 0) {
                // Workers already up are taken down; the last exit records the failure.
                run.failure = e.getMessage();
                run.workers = run.started;
                executor.stop(job.jobId(), config.cancelGracePeriod());
                return false;
            }
            launched.remove(job.jobId());
            failBeforeStart(job, e.getMessage());
            return false;
        }
    }

    /**
     * Whether a process of the job may start now: only under the term this tracker took over under, while that term
     * is still inside its acting window. The window ends a safety margin before the lease can expire, so a process
     * started now shows up before a successor looks for it; after it, the job stays allocated and the successor
     * starts it.
     */
    private boolean mayStart(StoredJob job) {
        if (term != null && leadership.actingTerm().filter(term::equals).isPresent()) {
            return true;
        }
        LOG.warnf("Not starting job %s: this instance is about to lose, or has lost, the lease of site %s", job.jobId(),
                site);
        return false;
    }

    @Override
    public void stopAll() {
        executor.stopAll();
    }

    /**
     * Forgets every job this tracker followed and lets go of their processes without stopping them: the lease has
     * gone, and the new leader adopts them as it adopts a killed scheduler's. Their ends reach nothing here any more.
     */
    @Override
    public void stepDown() {
        LOG.infof("Stepping down at site %s: leaving %d running job(s) to the next leader", site, launched.size());
        term = null;
        launched.clear();
        waitingForStorage.clear();
        executor.release();
    }

    private void markRunning(StoredJob job, String nodes) {
        fenced(session -> store.markRunning(session, job.jobId())
                .call(started -> started ? outbox.append(session, new JobStarted(job.jobId(), site, executor.name(), nodes),
                        job.traceparent()) : Uni.createFrom().voidItem()));
    }

    private void requeue(String jobId, String why, String traceparent) {
        requeue(jobId, why, traceparent, true);
    }

    private void requeue(String jobId, String why, String traceparent, boolean announce) {
        String reason = "queued again: " + why;
        fenced(session -> store.requeue(session, jobId, reason)
                .call(requeued -> requeued && announce
                        ? outbox.append(session, new JobPending(jobId, site, reason), traceparent)
                        : Uni.createFrom().voidItem()));
        LOG.infof("Job %s is back in the queue: %s", jobId, reason);
    }

    /** Fails a job none of whose workers started, and gives back what it held: GPUs and mounts. */
    private void failBeforeStart(StoredJob job, String reason) {
        fenced(session -> store.finish(session, job.jobId(), JobState.FAILED, null, reason)
                .call(ended -> ended ? outbox.append(session, new JobFailed(job.jobId(), site, null, reason, 0),
                        job.traceparent()) : Uni.createFrom().voidItem()));
        releaseMounts(job.jobId(), job.volumes());
        thread.requestPass();
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
            LeaseTerm releasedUnder = term;
            thread.schedule(() -> {
                // A successor may have started the job again on the same mount rows: only the leader retries.
                if (term != null && term.equals(releasedUnder)) {
                    releaseMounts(jobId, left);
                }
            }, MOUNT_RELEASE_RETRY);
        }
    }

    /**
     * Records a worker's end; when the last worker of the job has ended, records how the job ended, frees its GPUs
     * and runs a pass at once. A worker that fails takes its gang down: the other workers are stopped. Retried until
     * the database takes it.
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
            StoredJob job = inTransaction(session -> store.find(session, launchedJob.jobId())).orElse(launchedJob);
            recordEnd(job, run, exit);
            launched.remove(job.jobId());
            // Every end (done, failed, cancelled, preempted) gives the job's filesystems back.
            releaseMounts(job.jobId(), job.volumes());
            LOG.infof("Job %s ended after %d ms%s", job.jobId(), run.durationMs,
                    run.failure == null ? "" : ": " + run.failure);
            thread.passNow();
        } catch (RuntimeException e) {
            LOG.warnf("Cannot record the end of job %s yet (%s); retrying", launchedJob.jobId(), e.getMessage());
            thread.schedule(() -> recordExit(launchedJob, exit), RETRY_DELAY);
        }
    }

    /** Commits how the job ended with its event, and traces its run. */
    private void recordEnd(StoredJob job, GangRun run, ProcessExit exit) {
        // Recorded now that the run is over, with its real start; the end event continues it. Ended (exported) only
        // once the end is committed: a retried record does not trace the run twice.
        Span runSpan = runSpan(job, run);
        String runTrace = Optional.ofNullable(TraceContext.of(runSpan.getSpanContext())).orElse(job.traceparent());
        if (job.cancelRequested()) {
            runSpan.setAttribute("spillway.job.outcome", "cancelled");
            fenced(session -> store.finish(session, job.jobId(), JobState.CANCELLED, exit.exitCode(), "cancelled"));
        } else if (job.preemptRequested()) {
            runSpan.setAttribute("spillway.job.outcome", "preempted");
            requeue(job.jobId(), "preempted, " + job.preemptReason(), job.traceparent());
        } else if (run.failure == null) {
            runSpan.setAttribute("spillway.job.outcome", "succeeded");
            fenced(session -> store.finish(session, job.jobId(), JobState.SUCCEEDED, 0, null)
                    .call(ended -> ended ? outbox.append(session, new JobCompleted(job.jobId(), site, 0, run.durationMs),
                            runTrace) : Uni.createFrom().voidItem()));
        } else {
            Integer code = run.failedCode;
            String reason = run.workers > 1 ? run.failure : "exited with code " + code;
            runSpan.setAttribute("spillway.job.outcome", "failed").setAttribute("spillway.job.exit_code",
                    code == null ? -1 : code);
            runSpan.setStatus(StatusCode.ERROR, reason);
            fenced(session -> store.finish(session, job.jobId(), JobState.FAILED, code, reason)
                    .call(ended -> ended ? outbox.append(session, new JobFailed(job.jobId(), site, code, reason,
                            run.durationMs), runTrace) : Uni.createFrom().voidItem()));
        }
        runSpan.end();
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

    private <T> T inTransaction(Function<Mutiny.Session, Uni<T>> work) {
        // Blocking is right here: this is the loop's own thread, never an event loop; Transactions runs the work on
        // a context of its own.
        return transactions.inTransaction(work).await().atMost(DB_TIMEOUT);
    }

    /**
     * A write of the site's jobs, GPUs or events: in the same transaction, first the fence of the term this tracker
     * acts under, so a deposed leader's write rolls back whole ({@link LeaseLost}) and changes nothing.
     */
    private <T> T fenced(Function<Mutiny.Session, Uni<T>> work) {
        LeaseTerm actingUnder = term;
        if (actingUnder == null) {
            throw new LeaseLost("this scheduler instance does not lead site " + site + " and writes nothing");
        }
        return inTransaction(session -> leases.fence(session, actingUnder).chain(() -> work.apply(session)));
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
}
