package io.spillway.snapshot.messaging;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

import org.hibernate.reactive.mutiny.Mutiny;

import io.opentelemetry.api.trace.Span;
import io.smallrye.mutiny.Uni;
import io.spillway.kit.IncomingEvents.Received;
import io.spillway.schemas.EventType;
import io.spillway.schemas.StorageEvent;
import io.spillway.snapshot.domain.Progress;
import io.spillway.snapshot.domain.SnapshotException;
import io.spillway.snapshot.domain.SnapshotException.Reason;

/**
 * A kind of long work that a request event asks for (a snapshot, a restore), as {@link WorkRunner} runs it: the runner
 * does what every kind shares, in this order, and asks the kind at each step for what is its own.
 * <ol>
 * <li>A request for a site this worker does not serve is left to that site's worker ({@link #site},
 * {@link #atSite}).</li>
 * <li>{@link #check} before anything is looked up, then {@link #prepare} unless the event was applied already: a
 * {@link SnapshotException} with {@link Reason#INVALID_REQUEST} from either dead-letters the request; any other is
 * the work's failure, answered at once ({@link #failed}).</li>
 * <li>The work ({@link #run}) on a worker thread, under a shared store lease ({@link #lease}), in a span of its own
 * ({@link #spanName}), its progress sent as it goes ({@link #progressEvent}, throttled) and measured
 * ({@link #workStarted} and the like).</li>
 * <li>Its outcome ({@link #succeeded} or, for a {@link SnapshotException}, {@link #failed}) written in the
 * transaction that claims the event in the inbox, so a redelivery changes nothing. Any other failure is retried by
 * the consumer.</li>
 * </ol>
 *
 * @param <R> the request event
 * @param <J> the job: the request as the work needs it, resolved against the sites and the catalogue
 * @param <T> what the work returns, the outcome's content
 */
interface WorkKind<R extends StorageEvent, J, T> {

    /** The type of the request events this kind takes. */
    EventType requestType();

    /** The site the work is at: a worker takes only the requests of the sites it serves. */
    String site(R request);

    /** The burst the request is part of, or null. */
    String burstId(R request);

    /** The request and its site, as logged when it is left to that site's worker: "Restore r1 is into cloud". */
    String atSite(R request);

    /**
     * Checks the request before anything is looked up.
     *
     * @throws SnapshotException {@link Reason#INVALID_REQUEST} for a request that is not usable at all; any other
     *         reason for a valid request that cannot be fulfilled
     */
    void check(R request);

    /**
     * Decides what a request that was not applied yet takes: its work, or an answer from what is recorded already.
     * Fails (as a Uni) with a {@link SnapshotException} as {@link #check} throws one.
     */
    Uni<Start<J>> prepare(Received received, R request);

    /** The shared store lease held while the work runs. */
    Lease lease(R request);

    /** The name of the work's span; the runner names the site, filesystem and burst on it. */
    String spanName();

    /** Does the work. Blocking: called on a worker thread, never the event loop. */
    T run(J job, Running running);

    /** The event that tells the work's progress, sent at most every {@code spillway.snapshot.progress-interval}. */
    StorageEvent progressEvent(R request, Progress progress);

    /** A work started (before its span), on the worker thread. */
    void workStarted();

    /** A work ended, either way (after its span), on the worker thread. */
    void workEnded();

    /** A work succeeded. */
    void workSucceeded(T result);

    /** A work failed, after {@code took} (zero when it failed before it started). */
    void workFailed(Duration took);

    /** Records the work's result and appends the events that announce it, in the transaction of the claim. */
    Uni<Void> succeeded(Mutiny.Session session, Received received, R request, T result);

    /** Records the work's failure and appends the event that announces it, in the transaction of the claim. */
    Uni<Void> failed(Mutiny.Session session, Received received, R request, SnapshotException failure);

    /**
     * What a request takes, as {@link #prepare} decides it: its job to run, or (job null) an answer known already,
     * written in the transaction of the claim without running anything.
     */
    record Start<J>(J job, Function<Mutiny.Session, Uni<Void>> answer) {

        static <J> Start<J> work(J job) {
            return new Start<>(Objects.requireNonNull(job), null);
        }

        static <J> Start<J> answer(Function<Mutiny.Session, Uni<Void>> answer) {
            return new Start<>(null, Objects.requireNonNull(answer));
        }
    }

    /**
     * A shared lease on the chunk store, so garbage collection deletes no chunk the work writes or reads.
     *
     * @param locator the manifest a restore reads, which retention keeps meanwhile; null for none
     */
    record Lease(String purpose, String locator) {
    }

    /** What the work tells while it runs, on its own threads; each call is cheap unless it sends an event. */
    interface Running {

        /** The work's span, for the attributes of what it does. */
        Span span();

        /** The counts now: sent as {@link #progressEvent} when one is due. */
        void progress(Progress progress);

        /** Sends {@code event} now, committed through the outbox, in the request's trace. */
        void send(StorageEvent event);
    }
}
