package io.spillway.intake.messaging;

import java.util.EnumSet;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.mutiny.Uni;
import io.spillway.intake.persistence.JobRepository;
import io.spillway.kit.IncomingEvents;
import io.spillway.schemas.EventType;

/** Keeps the jobs read model: every lifecycle event on {@code spillway.jobs} updates its job's state and history. */
@ApplicationScoped
public class JobEventsConsumer {

    private static final Set<EventType> HANDLED = EnumSet.of(EventType.JOB_SUBMITTED, EventType.JOB_CANCELLED,
            EventType.JOB_PENDING, EventType.GPU_ALLOCATED, EventType.JOB_STARTED, EventType.JOB_COMPLETED,
            EventType.JOB_FAILED, EventType.JOB_PREEMPTED, EventType.JOB_REROUTED, EventType.JOB_HANDED_OVER,
            EventType.JOB_REROUTE_DECLINED);

    private final JobRepository jobs;

    public JobEventsConsumer(JobRepository jobs) {
        this.jobs = jobs;
    }

    @Incoming("jobs")
    public Uni<Void> consume(Message<byte[]> message) {
        return IncomingEvents.handle(message, HANDLED, received -> jobs.apply(received.event(),
                received.traceparent()));
    }
}
