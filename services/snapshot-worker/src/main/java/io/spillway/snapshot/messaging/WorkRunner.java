package io.spillway.snapshot.messaging;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.spillway.kit.Inbox;
import io.spillway.kit.IncomingEvents;
import io.spillway.kit.IncomingEvents.Received;
import io.spillway.kit.IncomingEvents.RejectedEvent;
import io.spillway.kit.Transactions;
import io.spillway.schemas.StorageEvent;
import io.spillway.snapshot.config.SnapshotWorkerConfig;
import io.spillway.snapshot.domain.Progress;
import io.spillway.snapshot.domain.ProgressThrottle;
import io.spillway.snapshot.domain.ServedSites;
import io.spillway.snapshot.domain.SnapshotException;
import io.spillway.snapshot.domain.SnapshotException.Reason;
import io.spillway.snapshot.persistence.SnapshotCatalogue;
import io.spillway.snapshot.retention.StoreLeases;

/**
 * Runs the long work that request events ask for, each {@link WorkKind} alike (see there for the steps): the site
 * check, the check against the inbox, the work on a worker thread under a shared store lease and in its span, its
 * progress committed as it goes, and its outcome written in the one transaction that claims the event.
 */
@ApplicationScoped
public class WorkRunner {

    private static final Logger LOG = Logger.getLogger(WorkRunner.class);

    private final ServedSites served;
    private final SnapshotCatalogue catalogue;
    private final StoreLeases leases;
    private final Transactions transactions;
    private final Inbox inbox;
    private final ImmediateEvents immediateEvents;
    private final Tracer tracer;
    private final Duration progressInterval;

    public WorkRunner(ServedSites served, SnapshotCatalogue catalogue, StoreLeases leases, Transactions transactions,
            Inbox inbox, ImmediateEvents immediateEvents, Tracer tracer, SnapshotWorkerConfig.Snapshot config) {
        this.served = served;
        this.catalogue = catalogue;
        this.leases = leases;
        this.transactions = transactions;
        this.inbox = inbox;
        this.immediateEvents = immediateEvents;
        this.tracer = tracer;
        this.progressInterval = config.progressInterval();
    }

    /** Handles one record of a request channel: the requests of {@code kind}, other types skipped. */
    <R extends StorageEvent, J, T> Uni<Void> consume(Message<byte[]> message, WorkKind<R, J, T> kind) {
        return IncomingEvents.handle(message, Set.of(kind.requestType()), received -> apply(received, kind));
    }

    private <R extends StorageEvent, J, T> Uni<Void> apply(Received received, WorkKind<R, J, T> kind) {
        R request = received.data();
        if (!served.serves(kind.site(request))) {
            // That site's worker takes it, next to its storage. Nothing is claimed in the shared inbox, so this
            // never makes that worker skip it.
            LOG.debugf("%s, which this worker does not serve (%s); left to that site's worker",
                    kind.atSite(request), served);
            return Uni.createFrom().voidItem();
        }
        SnapshotException unfulfillable = null;
        try {
            kind.check(request);
        } catch (SnapshotException e) {
            unfulfillable = unlessInvalid(e);
        }
        SnapshotException checked = unfulfillable;
        return catalogue.alreadyApplied(received.event().id()).chain(applied -> {
            if (applied) {
                return Uni.createFrom().voidItem();
            }
            if (checked != null) {
                return failedAtOnce(received, kind, request, checked);
            }
            return Uni.createFrom().deferred(() -> kind.prepare(received, request)).onItemOrFailure()
                    .transformToUni((start, failure) -> {
                        if (failure instanceof SnapshotException e) {
                            return failedAtOnce(received, kind, request, unlessInvalid(e));
                        }
                        if (failure != null) {
                            return Uni.createFrom().failure(failure);
                        }
                        return start.job() == null ? claim(received, start.answer())
                                : run(received, kind, request, start.job());
                    });
        });
    }

    /** A request that is not usable at all is dead-lettered; any other failure is returned, to be answered. */
    private static SnapshotException unlessInvalid(SnapshotException failure) {
        if (failure.reason() == Reason.INVALID_REQUEST) {
            throw new RejectedEvent(failure.reason() + ": " + failure.getMessage());
        }
        return failure;
    }

    /** A valid request that cannot be fulfilled, found before its work started. */
    private <R extends StorageEvent, J, T> Uni<Void> failedAtOnce(Received received, WorkKind<R, J, T> kind,
            R request, SnapshotException failure) {
        kind.workFailed(Duration.ZERO);
        return claim(received, session -> kind.failed(session, received, request, failure));
    }

    private <R extends StorageEvent, J, T> Uni<Void> run(Received received, WorkKind<R, J, T> kind, R request,
            J job) {
        long started = System.nanoTime();
        WorkKind.Lease lease = kind.lease(request);
        // Blocking I/O that may take minutes: never on the event loop.
        return leases.withShared(lease.purpose(), lease.locator(),
                () -> Uni.createFrom().item(() -> work(received, kind, request, job))
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                .onItemOrFailure().transformToUni((result, failure) -> {
                    if (failure != null) {
                        kind.workFailed(Duration.ofNanos(System.nanoTime() - started));
                    } else {
                        kind.workSucceeded(result);
                    }
                    if (failure instanceof SnapshotException e) {
                        return claim(received, session -> kind.failed(session, received, request, e));
                    }
                    if (failure != null) {
                        return Uni.createFrom().failure(failure);
                    }
                    return claim(received, session -> kind.succeeded(session, received, request, result));
                });
    }

    /** The work in its span, with its progress sent as it goes. Blocking: called on the worker thread. */
    private <R extends StorageEvent, J, T> T work(Received received, WorkKind<R, J, T> kind, R request, J job) {
        kind.workStarted();
        Span span = WorkSpans.start(tracer, kind.spanName(), received.traceparent(), kind.burstId(request),
                kind.site(request), request.filesystem());
        try {
            return kind.run(job, new Running<>(kind, request, received.traceparent(), span));
        } catch (RuntimeException e) {
            WorkSpans.failed(span, e);
            throw e;
        } finally {
            span.end();
            kind.workEnded();
        }
    }

    /** Runs {@code work} in a transaction that also claims the event in the inbox; a redelivery changes nothing. */
    private Uni<Void> claim(Received received, Function<Mutiny.Session, Uni<Void>> work) {
        return transactions.inTransaction(session -> inbox.firstDelivery(session, received.event())
                .chain(first -> first ? work.apply(session) : Uni.createFrom().voidItem()));
    }

    /** What a running work tells, each event committed at once; progress throttled to one event per interval. */
    private final class Running<R extends StorageEvent> implements WorkKind.Running {

        private final WorkKind<R, ?, ?> kind;
        private final R request;
        private final String traceparent;
        private final Span span;
        private final ProgressThrottle throttle = new ProgressThrottle(progressInterval, Clock.systemUTC());

        Running(WorkKind<R, ?, ?> kind, R request, String traceparent, Span span) {
            this.kind = kind;
            this.request = request;
            this.traceparent = traceparent;
            this.span = span;
        }

        @Override
        public Span span() {
            return span;
        }

        @Override
        public void progress(Progress progress) {
            if (throttle.due()) {
                send(kind.progressEvent(request, progress));
            }
        }

        @Override
        public void send(StorageEvent event) {
            immediateEvents.send(event, traceparent);
        }
    }
}
