package io.spillway.burst.messaging;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.smallrye.mutiny.Uni;
import io.spillway.burst.persistence.BurstStore;
import io.spillway.burst.saga.BurstState;
import io.spillway.burst.saga.Decision;
import io.spillway.burst.saga.SagaCommand;
import io.spillway.kit.IncomingEvents.Received;
import io.spillway.kit.TraceContext;

/**
 * Runs one saga step in one transaction: claim the consumed event in the inbox, load and lock its burst, decide,
 * store the new state and append the commands to the outbox. A redelivered event, or one for no burst, changes
 * nothing.
 */
@ApplicationScoped
public class SagaRunner {

    private static final Logger LOG = Logger.getLogger(SagaRunner.class);

    private final BurstStore store;
    private final Tracer tracer;

    public SagaRunner(BurstStore store, Tracer tracer) {
        this.store = store;
        this.tracer = tracer;
    }

    /** Finds the burst an event is about, locked. */
    @FunctionalInterface
    public interface Lookup {
        Uni<Optional<BurstState>> find(Mutiny.Session session);
    }

    /** The saga's decision for the burst found (absent only where the step may open one). */
    @FunctionalInterface
    public interface Step {
        Uni<Decision> decide(Mutiny.Session session, Optional<BurstState> burst, Instant now);
    }

    /**
     * Applies a consumed event.
     *
     * @param opensBursts whether the step runs without a burst (a queue signal may open one); otherwise an event
     *        for no burst is not this coordinator's business and changes nothing
     */
    public Uni<Void> apply(Received received, Lookup lookup, Step step, boolean opensBursts) {
        String what = received.event().type() + " " + received.event().id();
        return Uni.createFrom().deferred(() -> {
            JobTraceSpans spans = new JobTraceSpans();
            return store.transactions().inTransaction(session -> store
                    .firstDelivery(session, received.event())
                    .chain(first -> {
                        if (!first) {
                            LOG.debugf("%s is a redelivery; changes nothing", what);
                            return Uni.createFrom().item(false);
                        }
                        return lookup.find(session).chain(burst -> {
                            if (burst.isEmpty() && !opensBursts) {
                                LOG.debugf("%s is about no burst of this coordinator; changes nothing", what);
                                return Uni.createFrom().item(false);
                            }
                            Instant now = Instant.now();
                            return step.decide(session, burst, now)
                                    .chain(decision -> store(session, burst.orElse(null), decision, now, what,
                                            spans));
                        });
                    }))
                    .invoke(spans::endAll);
        }).replaceWithVoid();
    }

    /** Applies the timer to one open burst, in its own transaction. */
    public Uni<Void> tick(String burstId, BiFunction<BurstState, Instant, Decision> tick) {
        return Uni.createFrom().deferred(() -> {
            JobTraceSpans spans = new JobTraceSpans();
            return store.transactions().inTransaction(session -> store.findForUpdate(session, burstId)
                    .chain(burst -> {
                        if (burst.isEmpty() || !burst.get().open()) {
                            return Uni.createFrom().item(false);
                        }
                        Instant now = Instant.now();
                        return store(session, burst.get(), tick.apply(burst.get(), now), now, "tick", spans);
                    }))
                    .invoke(spans::endAll);
        }).replaceWithVoid();
    }

    /** Stores a changed decision and appends its commands; {@code true} when there are events to publish. */
    private Uni<Boolean> store(Mutiny.Session session, BurstState before, Decision decision, Instant now,
            String what, JobTraceSpans spans) {
        if (!decision.changed()) {
            LOG.infof("%s changes nothing: %s", what, decision.note());
            return Uni.createFrom().item(false);
        }
        BurstState after = decision.state();
        recordDecision(after, decision, what);
        if (decision.note() != null) {
            LOG.infof("%s, burst %s: %s", what, after.burstId(), decision.note());
        }
        List<JobSpans.Planned> planned = JobSpans.plan(before, after, decision.commands(), now);
        List<String> jobIds = Stream.concat(decision.commands().stream().map(CommandEvents::jobOf),
                planned.stream().map(JobSpans.Planned::jobId)).filter(Objects::nonNull).distinct().toList();
        return store.save(session, before, after, now)
                .chain(() -> store.knownJobs(session, jobIds))
                .chain(known -> append(session, after, decision.commands(), spans.start(tracer, after, planned,
                        known)))
                .replaceWith(!decision.commands().isEmpty());
    }

    /**
     * Appends the commands' events. One about a job continues the job's trace (under its span, where it has one),
     * one about the burst the trace of the burst's signal.
     */
    private Uni<Void> append(Mutiny.Session session, BurstState burst, List<SagaCommand> commands,
            JobTraceSpans.Started started) {
        Uni<Void> appended = Uni.createFrom().voidItem();
        for (SagaCommand command : commands) {
            String traceparent = started.traceparentOf(command).orElse(burst.traceparent());
            appended = appended.chain(() -> store.append(session, CommandEvents.event(command), traceparent));
        }
        return appended;
    }

    /** A short span in the burst's trace for each decision that changed it, so a trace shows the saga's steps. */
    private void recordDecision(BurstState burst, Decision decision, String what) {
        Span span = tracer.spanBuilder("burst.decision")
                .setParent(TraceContext.parse(burst.traceparent()))
                .setAttribute("spillway.burst.id", burst.burstId())
                .setAttribute("spillway.burst.phase", burst.phase().name())
                .setAttribute("spillway.burst.input", what)
                .setAttribute("spillway.burst.commands", decision.commands().stream()
                        .map(command -> command.getClass().getSimpleName()).toList().toString())
                .startSpan();
        span.end();
    }
}
