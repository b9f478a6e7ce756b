package io.spillway.burst.messaging;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.mutiny.Uni;
import io.spillway.burst.config.BurstCoordinatorConfig;
import io.spillway.burst.persistence.BurstStore;
import io.spillway.burst.persistence.BurstStore.KnownJob;
import io.spillway.burst.saga.BurstSaga;
import io.spillway.burst.saga.BurstState;
import io.spillway.burst.saga.Candidate;
import io.spillway.burst.saga.QueueOverflow;
import io.spillway.burst.saga.Volume;
import io.spillway.kit.IncomingEvents;
import io.spillway.kit.IncomingEvents.Received;
import io.spillway.schemas.BurstCandidate;
import io.spillway.schemas.EventType;
import io.spillway.schemas.QueueEvent.QueueDrained;
import io.spillway.schemas.QueueEvent.QueueThresholdExceeded;

/** Queue signals: a threshold exceeded opens a burst for its site or extends the open one; a drain may release it. */
@ApplicationScoped
public class QueueSignalConsumer {

    private final BurstSaga saga;
    private final BurstStore store;
    private final SagaRunner runner;
    private final BurstCoordinatorConfig config;

    public QueueSignalConsumer(BurstSaga saga, BurstStore store, SagaRunner runner, BurstCoordinatorConfig config) {
        this.saga = saga;
        this.store = store;
        this.runner = runner;
        this.config = config;
    }

    @Incoming("queues")
    public Uni<Void> consume(Message<byte[]> message) {
        return IncomingEvents.handle(message,
                Set.of(EventType.QUEUE_THRESHOLD_EXCEEDED, EventType.QUEUE_DRAINED), this::apply);
    }

    private Uni<Void> apply(Received received) {
        if (received.event().data() instanceof QueueDrained drained) {
            return runner.apply(received, session -> store.findOpenForUpdate(session, drained.site()),
                    (session, burst, now) -> Uni.createFrom().item(saga.onQueueDrained(burst.get(), now)), false);
        }
        QueueThresholdExceeded signal = received.data();
        List<String> jobIds = signal.candidates().stream().map(BurstCandidate::jobId).toList();
        // Under the site's lock, so a job start applied at the same moment is either seen here or sees the burst.
        return runner.apply(received, session -> store.lockSite(session, signal.site())
                .chain(() -> store.findOpenForUpdate(session, signal.site())),
                (session, burst, now) -> store.leftQueue(session, jobIds).chain(left -> store.knownJobs(session,
                        jobIds)
                        .chain(known -> store.usage(session, burst.map(BurstState::burstId).orElse(null), now,
                                config.recentRestoreWindow())
                                .map(usage -> saga.onQueueOverflow(burst,
                                        new QueueOverflow(signal.site(), received.traceparent(),
                                                candidates(stillWaiting(signal.candidates(), left), known)),
                                        usage, now)))),
                true);
    }

    /**
     * The candidates that have not left the queue since the scheduler listed them: the signal and the jobs' starts
     * travel on different topics, so a start may be known before the signal that still lists the job as waiting.
     */
    static List<BurstCandidate> stillWaiting(List<BurstCandidate> candidates, Set<String> left) {
        return candidates.stream().filter(candidate -> !left.contains(candidate.jobId())).toList();
    }

    /**
     * The signal names each candidate's filesystems only; the volumes JobSubmitted listed say which subpaths it
     * mounts and which are read-only. A job this coordinator did not see submitted mounts each filesystem whole and
     * writable: everything of it is moved out and everything comes home.
     */
    static List<Candidate> candidates(List<BurstCandidate> candidates, Map<String, KnownJob> known) {
        return candidates.stream().map(candidate -> new Candidate(candidate.jobId(), candidate.project(),
                candidate.gpus(), Optional.ofNullable(known.get(candidate.jobId())).map(KnownJob::volumes)
                        .filter(volumes -> !volumes.isEmpty())
                        .orElseGet(() -> candidate.filesystems().stream().map(Volume::whole).toList()),
                // A candidate of an older scheduler says nothing of its shape: any pool, any node, one worker.
                candidate.nodePool(), candidate.gpusPerWorker(),
                candidate.workers() == null ? 1 : candidate.workers(), candidate.mayRunAtHome()))
                .toList();
    }
}
