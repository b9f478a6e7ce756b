package io.spillway.scheduler.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The decision of a scheduling pass, pure: which queued jobs the core considers (not those that sit out a storage
 * wait, and those that can never be placed fail instead), what the core decides for them, which reasons changed,
 * and whether the queue signal changes, with the jobs a burst may take. It remembers the queue signal between passes,
 * and moves it on only once the decision that announced a change is committed.
 */
public final class Decider {

    /** The reason a queued job fails when its stored spec cannot be read. */
    public static final String UNREADABLE_SPEC = "the scheduler cannot read the job's stored spec";
    /**
     * The oldest waiting jobs that may burst, at most this many per signal: more than a burst site takes at once, and
     * few enough that the event stays far below Kafka's 1 MB message limit.
     */
    public static final int MAX_BURST_CANDIDATES = 500;

    private final Scheduler scheduler;
    private final int threshold;
    private final int lowWatermark;
    private final Duration debounce;
    /** The signal as last committed; {@code null} until then, when it is restored from what the site stored. */
    private QueueSignal signal;
    /** The signal as the last decision leaves it, adopted by {@link #committed()}. */
    private QueueSignal proposed;

    /**
     * @param threshold more waiting jobs than this make the queue overflow
     * @param lowWatermark no more than this many make it drain; must lie below the threshold (checked at the first
     *        pass, which fails until the settings are fixed)
     * @param debounce how long the count must stay past a mark before the signal changes
     */
    public Decider(Scheduler scheduler, int threshold, int lowWatermark, Duration debounce) {
        this.scheduler = scheduler;
        this.threshold = threshold;
        this.lowWatermark = lowWatermark;
        this.debounce = debounce;
    }

    /** Decides one pass; nothing changes here until {@link #committed()} says the decision was committed. */
    public Decision decide(PassInput input) {
        Map<String, QueuedJob> queued = new HashMap<>();
        List<PendingJob> pending = new ArrayList<>();
        Map<String, String> unplaceable = new LinkedHashMap<>();
        for (QueuedJob job : input.state().queue()) {
            queued.put(job.jobId(), job);
            Instant storageWait = input.storageWaits().get(job.jobId());
            if (storageWait != null && storageWait.isAfter(input.now())) {
                continue; // keeps its reason; placed again once its wait is over
            }
            if (job.requirements() == null) {
                unplaceable.put(job.jobId(), UNREADABLE_SPEC);
                continue;
            }
            try {
                pending.add(job.requirements().pendingJob(job.jobId(), job.submittedAt()));
            } catch (InvalidGpuRequest e) {
                // The consumer refuses these; one that got through fails alone, the site goes on.
                unplaceable.put(job.jobId(), e.getMessage());
            }
        }
        SchedulingResult result = scheduler.schedule(new SiteSnapshot(input.nodes(), input.state().holding(),
                pending, input.state().projects()));
        Map<String, Wait> changed = new LinkedHashMap<>();
        result.waiting().forEach((jobId, wait) -> {
            if (!wait.reason().equals(queued.get(jobId).reason())) {
                changed.put(jobId, wait);
            }
        });
        proposed = current(input.state().queueExceeded()).copy();
        long waiting = result.waitingForCapacity();
        Optional<Decision.QueueChange> change = proposed.observe(input.now(), waiting)
                .map(signalChange -> queueChange(signalChange, waiting, result, pending, queued));
        return new Decision(result, unplaceable, changed, change);
    }

    /** The decision last returned by {@link #decide} was committed: its queue signal is the site's now. */
    public void committed() {
        if (proposed != null) {
            signal = proposed;
        }
    }

    /** The signal as last committed or, before the first commit, as the site stored it. */
    private QueueSignal current(boolean stored) {
        return signal != null ? signal : new QueueSignal(threshold, lowWatermark, debounce, stored);
    }

    private Decision.QueueChange queueChange(QueueSignal.Change change, long waiting, SchedulingResult result,
            List<PendingJob> pending, Map<String, QueuedJob> queued) {
        int count = (int) Math.min(Integer.MAX_VALUE, waiting);
        if (change == QueueSignal.Change.DRAINED) {
            return new Decision.Drained(count, proposed.lowWatermark());
        }
        return new Decision.Exceeded(count, proposed.threshold(), burstCandidates(result, pending, queued));
    }

    /**
     * The waiting jobs a burst may take, oldest first, at most {@link #MAX_BURST_CANDIDATES}: those that wait for
     * GPUs (not for their project's policy) or for GPUs this site will never have, may burst by their spec, and are
     * not interactive (a user waits at the other end, close to this site). Each says what a burst site must offer,
     * and whether this site could ever run it: a burst site that cannot is no use to one that can run nowhere else.
     */
    static List<Decision.Candidate> burstCandidates(SchedulingResult result, List<PendingJob> pending,
            Map<String, QueuedJob> queued) {
        List<Decision.Candidate> candidates = new ArrayList<>();
        for (PendingJob job : pending.stream().sorted(Comparator.comparing(PendingJob::submittedAt)).toList()) {
            if (candidates.size() == MAX_BURST_CANDIDATES) {
                break;
            }
            Wait wait = result.waiting().get(job.jobId());
            Requirements requirements = queued.get(job.jobId()).requirements();
            if (wait != null && wait.mayBurst() && requirements.mayBurst()
                    && job.priority() != Priority.INTERACTIVE) {
                candidates.add(new Decision.Candidate(job.jobId(), job.project(), demand(job),
                        requirements.filesystems(), job.nodePool(), perWorker(job), job.workers(),
                        wait.kind() != Wait.Kind.NEVER_HERE));
            }
        }
        return candidates;
    }

    /** What one worker asks for on one node: whole GPUs, a share, or GPU memory as one GPU (as {@link #demand}). */
    static double perWorker(PendingJob job) {
        if (job.request() instanceof GpuRequest.Whole whole) {
            return whole.count();
        }
        if (job.request() instanceof GpuRequest.Shared shared) {
            return shared.fraction();
        }
        return 1;
    }

    /**
     * The GPUs a job asks for, all workers together: a share counts as its share, GPU memory as
     * one GPU per worker.
     */
    static double demand(PendingJob job) {
        if (job.request() instanceof GpuRequest.Whole whole) {
            return (double) whole.count() * job.workers();
        }
        if (job.request() instanceof GpuRequest.Shared shared) {
            return shared.fraction() * job.workers();
        }
        return job.workers();
    }
}
