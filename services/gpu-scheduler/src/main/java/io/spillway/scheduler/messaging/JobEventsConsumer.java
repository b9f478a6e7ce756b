package io.spillway.scheduler.messaging;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.spillway.kit.Inbox;
import io.spillway.kit.IncomingEvents;
import io.spillway.kit.IncomingEvents.Received;
import io.spillway.kit.IncomingEvents.RejectedEvent;
import io.spillway.kit.Outbox;
import io.spillway.kit.ServiceIdentity;
import io.spillway.kit.Transactions;
import io.spillway.scheduler.domain.HandOver;
import io.spillway.scheduler.domain.InvalidGpuRequest;
import io.spillway.scheduler.domain.JobState;
import io.spillway.scheduler.loop.JobRequirements;
import io.spillway.scheduler.loop.SchedulerLoop;
import io.spillway.scheduler.persistence.JobStore;
import io.spillway.scheduler.persistence.JobStore.RerouteCandidate;
import io.spillway.schemas.EventType;
import io.spillway.schemas.JobEvent.JobCancelled;
import io.spillway.schemas.JobEvent.JobFailed;
import io.spillway.schemas.JobEvent.JobHandedOver;
import io.spillway.schemas.JobEvent.JobPending;
import io.spillway.schemas.JobEvent.JobRerouteDeclined;
import io.spillway.schemas.JobEvent.JobRerouted;
import io.spillway.schemas.JobEvent.JobSubmitted;
import io.spillway.schemas.JobSpec;

/**
 * Takes this site's jobs off {@code spillway.jobs}: queues the ones submitted here or handed over to it, answers a
 * reroute of its own jobs (hands a waiting one over, declines any other), flags cancelled ones, then asks the loop
 * for a scheduling pass. Applied once per event (inbox).
 */
@ApplicationScoped
public class JobEventsConsumer {

    private static final Logger LOG = Logger.getLogger(JobEventsConsumer.class);
    static final Set<EventType> HANDLED = EnumSet.of(EventType.JOB_SUBMITTED, EventType.JOB_REROUTED,
            EventType.JOB_HANDED_OVER, EventType.JOB_CANCELLED);

    private final Transactions transactions;
    private final Inbox inbox;
    private final Outbox outbox;
    private final JobStore store;
    private final SchedulerLoop loop;
    private final String site;

    public JobEventsConsumer(Transactions transactions, Inbox inbox, Outbox outbox, JobStore store, SchedulerLoop loop,
            ServiceIdentity identity) {
        this.transactions = transactions;
        this.inbox = inbox;
        this.outbox = outbox;
        this.store = store;
        this.loop = loop;
        this.site = identity.site();
    }

    @Incoming("jobs")
    public Uni<Void> consume(Message<byte[]> message) {
        return IncomingEvents.handle(message, HANDLED, this::apply);
    }

    private Uni<Void> apply(Received received) {
        return transactions.inTransaction(session -> inbox.firstDelivery(session, received.event())
                .chain(first -> first ? dispatch(session, received) : Uni.createFrom().voidItem()))
                .invoke(loop::requestPass);
    }

    private Uni<Void> dispatch(Mutiny.Session session, Received received) {
        Object event = received.data();
        if (event instanceof JobSubmitted submitted) {
            return submitted(session, submitted, received);
        }
        if (event instanceof JobRerouted rerouted) {
            return rerouted(session, rerouted, received);
        }
        if (event instanceof JobHandedOver handedOver) {
            return handedOver(session, handedOver, received);
        }
        String cancelled = ((JobCancelled) event).jobId();
        return store.rememberCancelled(session, cancelled).chain(() -> store.requestCancel(session, cancelled))
                .replaceWithVoid();
    }

    private Uni<Void> submitted(Mutiny.Session session, JobSubmitted event, Received received) {
        OffsetDateTime submittedAt = received.event().time();
        // Every site's specs are kept: any of those jobs may be rerouted here later.
        Uni<Void> remembered = store.rememberSpec(session, event.jobId(), event.site(), event.spec(), event.submittedBy(),
                submittedAt, received.traceparent());
        if (!site.equals(event.site())) {
            return remembered;
        }
        return remembered.chain(() -> admit(session, event.jobId(), event.spec(), submittedAt, received.traceparent(),
                "queued at site " + site + ", waiting for the scheduler"));
    }

    /**
     * Answers a reroute of one of this site's jobs: hands it over when it still waits here, else declines and says
     * why. The state change and the answer commit together (outbox), with the job's own trace. The burst site waits
     * for the answer, so it never runs a job that started, ended or was cancelled here in the meantime.
     */
    private Uni<Void> rerouted(Mutiny.Session session, JobRerouted event, Received received) {
        if (!site.equals(event.fromSite())) {
            // The burst site queues the job on JobHandedOver, once the home site has given it up.
            return Uni.createFrom().voidItem();
        }
        String jobId = event.jobId();
        return store.lockForReroute(session, jobId).chain(found -> {
            String traceparent = found.map(RerouteCandidate::traceparent).orElse(received.traceparent());
            Optional<String> refusal = HandOver.refusal(found.map(RerouteCandidate::position), site,
                    event.toSite(), Instant.now(), answerBy(event));
            if (refusal.isPresent()) {
                LOG.infof("Declined the reroute of job %s to %s (burst %s): %s", jobId, event.toSite(),
                        event.burstId(), refusal.get());
                return outbox.append(session, new JobRerouteDeclined(jobId, site, event.toSite(), event.burstId(),
                        refusal.get()), traceparent).replaceWithVoid();
            }
            JobHandedOver handedOver = new JobHandedOver(jobId, site, event.toSite(), event.burstId());
            if (found.get().position().state() == JobState.REROUTED) {
                // Handed over to that site already: the same answer again, which the burst site takes once.
                return outbox.append(session, handedOver, traceparent).replaceWithVoid();
            }
            return store.markRerouted(session, jobId, event.toSite(), "handed over to " + event.toSite())
                    .chain(moved -> {
                        if (!moved) {
                            // The row is locked since the answer was decided; this cannot change under us.
                            return Uni.createFrom().failure(new IllegalStateException("job " + jobId
                                    + " stopped waiting at " + site + " while its reroute was being answered"));
                        }
                        return outbox.append(session, handedOver, traceparent).replaceWithVoid();
                    });
        });
    }

    /** When the burst stops waiting for the answer; an unreadable time is no deadline, as before it existed. */
    private static Instant answerBy(JobRerouted event) {
        if (event.answerBy() == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(event.answerBy()).toInstant();
        } catch (DateTimeParseException e) {
            LOG.warnf("Reroute of job %s has an unreadable answerBy %s; answering it as one without", event.jobId(),
                    event.answerBy());
            return null;
        }
    }

    /** Queues a job the home site handed over to this one, from the spec its JobSubmitted carried. */
    private Uni<Void> handedOver(Mutiny.Session session, JobHandedOver event, Received received) {
        if (!site.equals(event.toSite())) {
            return Uni.createFrom().voidItem();
        }
        return store.findSpec(session, event.jobId()).chain(seen -> {
            if (seen.isEmpty()) {
                return Uni.createFrom().failure(new RejectedEvent("job " + event.jobId() + " was handed over to "
                        + site + " but this scheduler never saw its JobSubmitted, so it has no spec to run"));
            }
            if (seen.get().cancelled()) {
                // Its JobCancelled came before the hand-over; job-intake and the burst already count it cancelled.
                LOG.infof("Job %s was handed over to %s after it was cancelled; it is not queued", event.jobId(), site);
                return Uni.createFrom().voidItem();
            }
            return admit(session, event.jobId(), seen.get().spec(), seen.get().submittedAt(), received.traceparent(),
                    "rerouted from " + event.fromSite() + ", queued at site " + site);
        });
    }

    /** Queues a job here with a first JobPending, or fails it at once when no GPU request of it could ever run. */
    private Uni<Void> admit(Mutiny.Session session, String jobId, JobSpec spec, OffsetDateTime submittedAt, String traceparent,
            String reason) {
        try {
            JobRequirements.gpuRequest(spec);
        } catch (InvalidGpuRequest invalid) {
            String refusal = "cannot schedule: " + invalid.getMessage();
            return store.recordRefused(session, jobId, submittedAt, traceparent, refusal)
                    .chain(() -> outbox.append(session, new JobFailed(jobId, site, null, refusal, 0), traceparent))
                    .replaceWithVoid();
        }
        return store.enqueue(session, jobId, submittedAt, traceparent, reason)
                .chain(queued -> queued
                        ? outbox.append(session, new JobPending(jobId, site, reason), traceparent).replaceWithVoid()
                        : Uni.createFrom().voidItem());
    }
}
