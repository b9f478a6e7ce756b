package io.spillway.burst.messaging;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;
import io.spillway.burst.persistence.BurstStore;
import io.spillway.burst.persistence.BurstStore.RefKind;
import io.spillway.burst.saga.BurstSaga;
import io.spillway.burst.saga.Volume;
import io.spillway.kit.IncomingEvents;
import io.spillway.kit.IncomingEvents.Received;
import io.spillway.schemas.EventType;
import io.spillway.schemas.JobEvent.JobCancelled;
import io.spillway.schemas.JobEvent.JobCompleted;
import io.spillway.schemas.JobEvent.JobFailed;
import io.spillway.schemas.JobEvent.JobHandedOver;
import io.spillway.schemas.JobEvent.JobRerouteDeclined;
import io.spillway.schemas.JobEvent.JobStarted;
import io.spillway.schemas.JobEvent.JobSubmitted;
import io.spillway.schemas.VolumeMount;

/**
 * Job lifecycle events. {@code JobSubmitted} is remembered (the job's volumes and trace) for when the job becomes a
 * burst candidate; starts, ends, cancellations, hand-overs and declined reroutes move the job's burst on. Events of
 * jobs in no burst change nothing.
 */
@ApplicationScoped
public class JobEventConsumer {

    private final BurstSaga saga;
    private final BurstStore store;
    private final SagaRunner runner;

    public JobEventConsumer(BurstSaga saga, BurstStore store, SagaRunner runner) {
        this.saga = saga;
        this.store = store;
        this.runner = runner;
    }

    @Incoming("jobs")
    public Uni<Void> consume(Message<byte[]> message) {
        return IncomingEvents.handle(message, Set.of(EventType.JOB_SUBMITTED, EventType.JOB_STARTED,
                EventType.JOB_COMPLETED, EventType.JOB_FAILED, EventType.JOB_CANCELLED,
                EventType.JOB_REROUTE_DECLINED, EventType.JOB_HANDED_OVER), this::apply);
    }

    private Uni<Void> apply(Received received) {
        Object data = received.event().data();
        if (data instanceof JobSubmitted submitted) {
            return store.transactions().inTransaction(session -> store.rememberJob(session, submitted.jobId(),
                    submitted.site(),
                    (submitted.spec() == null ? List.<VolumeMount> of() : submitted.spec().volumes()).stream()
                            .map(mount -> new Volume(mount.filesystem(), mount.subPath(), mount.readOnly())).toList(),
                    // The job's own trace, as job-intake started it from the submit request.
                    received.event().traceparent() != null ? received.event().traceparent() : received.traceparent(),
                    Instant.now()));
        }
        if (data instanceof JobStarted started) {
            return runner.apply(received, session -> left(session, started.jobId(), started.site(), "started at "
                    + started.site()).chain(() -> store.findByRefForUpdate(session, RefKind.JOB, started.jobId())),
                    (session, burst, now) -> Uni.createFrom().item(saga.onJobStarted(burst.get(), started.jobId(),
                            started.site(), now)),
                    false);
        }
        if (data instanceof JobCompleted completed) {
            return runner.apply(received, session -> left(session, completed.jobId(), completed.site(),
                    "completed at " + completed.site())
                    .chain(() -> store.findByRefForUpdate(session, RefKind.JOB, completed.jobId())),
                    (session, burst, now) -> Uni.createFrom().item(saga.onJobEnded(burst.get(), completed.jobId(),
                            completed.site(), true, now)),
                    false);
        }
        if (data instanceof JobFailed failed) {
            return runner.apply(received, session -> left(session, failed.jobId(), failed.site(), "failed at "
                    + failed.site()).chain(() -> store.findByRefForUpdate(session, RefKind.JOB, failed.jobId())),
                    (session, burst, now) -> Uni.createFrom().item(saga.onJobEnded(burst.get(), failed.jobId(),
                            failed.site(), false, now)),
                    false);
        }
        if (data instanceof JobRerouteDeclined declined) {
            // The site kept the job (home: it never left its queue; burst site: it was starting there); the decline
            // names the burst it answers.
            return runner.apply(received, session -> store.findForUpdate(session, declined.burstId()),
                    (session, burst, now) -> Uni.createFrom().item(saga.onRerouteDeclined(burst.get(),
                            declined.jobId(), declined.fromSite(), declined.reason(), now)),
                    false);
        }
        if (data instanceof JobHandedOver handedOver) {
            // Queued at the burst site (its start deadline begins), or back home; it names the burst it answers.
            return runner.apply(received, session -> store.findForUpdate(session, handedOver.burstId()),
                    (session, burst, now) -> Uni.createFrom().item(saga.onJobHandedOver(burst.get(),
                            handedOver.jobId(), handedOver.fromSite(), handedOver.toSite(), now)),
                    false);
        }
        JobCancelled cancelled = (JobCancelled) data;
        return runner.apply(received, session -> left(session, cancelled.jobId(), null, "cancelled")
                .chain(() -> store.findByRefForUpdate(session, RefKind.JOB, cancelled.jobId())),
                (session, burst, now) -> Uni.createFrom().item(saga.onJobCancelled(burst.get(), cancelled.jobId(),
                        now)),
                false);
    }

    /**
     * Notes that the job left its queue, under its site's lock: a queue signal being applied at the same moment
     * either sees this or is seen by the lookup that follows (see {@link BurstStore#lockSite}). A cancellation names
     * no site; it takes no lock, and a cancelled job that a burst reroutes anyway is cancelled there as before.
     */
    private Uni<Void> left(Mutiny.Session session, String jobId, String site, String why) {
        Uni<Void> locked = site == null ? Uni.createFrom().voidItem() : store.lockSite(session, site);
        return locked.chain(() -> store.rememberLeftQueue(session, jobId, site, why));
    }
}
