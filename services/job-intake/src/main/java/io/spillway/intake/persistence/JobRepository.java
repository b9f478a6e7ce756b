package io.spillway.intake.persistence;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import org.hibernate.reactive.mutiny.Mutiny;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.spillway.intake.domain.JobState;
import io.spillway.kit.Inbox;
import io.spillway.kit.Outbox;
import io.spillway.kit.Transactions;
import io.spillway.schemas.CloudEvent;
import io.spillway.schemas.EventCodec;
import io.spillway.schemas.JobEvent;
import io.spillway.schemas.JobSpec;

/**
 * The jobs read model in PostgreSQL, through Hibernate Reactive: accepting a job together with its event (one
 * transaction, transactional outbox), and applying lifecycle events once each.
 */
@ApplicationScoped
public class JobRepository {

    private final Transactions transactions;
    private final Inbox inbox;
    private final Outbox outbox;
    private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {
    };

    private final ObjectMapper mapper = EventCodec.shared().mapper();

    public JobRepository(Transactions transactions, Inbox inbox, Outbox outbox) {
        this.transactions = transactions;
        this.inbox = inbox;
        this.outbox = outbox;
    }

    /** What {@link #submit} did: a new job, or the one an earlier request with the same idempotency key created. */
    public record Submission(JobRecord job, boolean created) {
    }

    /** One page of a listing, with the number of jobs that match in all. */
    public record Page(List<JobRecord> items, long total, int limit, int offset) {
    }

    /** What a cancel request found. */
    public enum Cancellation {
        REQUESTED,
        ALREADY_ENDED,
        NOT_FOUND
    }

    /**
     * Records a new job and its {@code JobSubmitted} event in one transaction. With an idempotency key already used
     * in this project, returns the first job instead of creating a second.
     */
    public Uni<Submission> submit(JobSpec spec, String site, String idempotencyKey, String submittedBy,
            String traceparent) {
        Uni<Submission> attempt = transactions.inTransaction(session -> findByIdempotencyKey(session, spec.project(),
                idempotencyKey).chain(existing -> {
                    if (existing != null) {
                        return Uni.createFrom().item(new Submission(toRecord(existing, null), false));
                    }
                    JobEntity job = new JobEntity();
                    job.id = UUID.randomUUID().toString();
                    job.name = spec.name();
                    job.project = spec.project();
                    job.site = site;
                    job.state = JobState.SUBMITTED.name();
                    job.spec = json(spec);
                    job.traceparent = traceparent;
                    job.idempotencyKey = idempotencyKey;
                    job.submittedBy = submittedBy;
                    job.createdAt = now();
                    job.updatedAt = job.createdAt;
                    return session.persist(job)
                            .chain(() -> outbox.append(session,
                                    new JobEvent.JobSubmitted(job.id, site, spec, submittedBy), traceparent))
                            .replaceWith(new Submission(toRecord(job, null), true));
                }));
        if (idempotencyKey == null) {
            return attempt;
        }
        // Two requests with one key at the same moment: the unique key lets one insert; the other returns its job.
        return attempt.onFailure(JobRepository::isUniqueViolation).recoverWithUni(
                () -> transactions.inSession(session -> findByIdempotencyKey(session, spec.project(), idempotencyKey))
                        .map(existing -> new Submission(toRecord(existing, null), false)));
    }

    /** Asks for a job to be cancelled, publishing {@code JobCancelled} unless the job has ended. */
    public Uni<Cancellation> requestCancel(String id, String reason, String requestedBy) {
        return transactions.inTransaction(session -> session.find(JobEntity.class, id, LockModeType.PESSIMISTIC_WRITE)
                .chain(job -> {
                    if (job == null) {
                        return Uni.createFrom().item(Cancellation.NOT_FOUND);
                    }
                    if (JobState.valueOf(job.state).isFinal()) {
                        return Uni.createFrom().item(Cancellation.ALREADY_ENDED);
                    }
                    return outbox.append(session, new JobEvent.JobCancelled(id, reason, requestedBy),
                            job.traceparent).replaceWith(Cancellation.REQUESTED);
                }));
    }

    /** The job without its history: enough to decide who may see it. */
    public Uni<Optional<JobRecord>> findSummary(String id) {
        return transactions.inSession(session -> session.find(JobEntity.class, id))
                .map(job -> Optional.ofNullable(job).map(j -> toRecord(j, null)));
    }

    /** The job with its full history, oldest event first. */
    public Uni<Optional<JobRecord>> find(String id) {
        return transactions.inSession(session -> session.find(JobEntity.class, id).chain(job -> {
            if (job == null) {
                return Uni.createFrom().item(Optional.<JobRecord> empty());
            }
            return session.createQuery("from JobEventEntity where jobId = :id order by seq", JobEventEntity.class)
                    .setParameter("id", id)
                    .getResultList()
                    .map(events -> {
                        List<JobRecord.HistoryEntry> history = new ArrayList<>();
                        for (JobEventEntity event : events) {
                            history.add(new JobRecord.HistoryEntry(event.ceType, event.ceTime, event.ceSource,
                                    mapper.valueToTree(event.data)));
                        }
                        return Optional.of(toRecord(job, history));
                    });
        }));
    }

    /** Jobs, newest first, filtered by the non-null arguments. */
    public Uni<Page> list(String project, String state, String site, int limit, int offset) {
        String where = " where (:project is null or project = :project) and (:state is null or state = :state)"
                + " and (:site is null or site = :site)";
        return transactions.inSession(session -> session
                .createQuery("from JobEntity" + where + " order by createdAt desc, id", JobEntity.class)
                .setParameter("project", project).setParameter("state", state).setParameter("site", site)
                .setFirstResult(offset).setMaxResults(limit)
                .getResultList()
                .chain(jobs -> session.createQuery("select count(*) from JobEntity" + where, Long.class)
                        .setParameter("project", project).setParameter("state", state).setParameter("site", site)
                        .getSingleResult()
                        .map(total -> new Page(jobs.stream().map(job -> toRecord(job, null)).toList(), total, limit,
                                offset))));
    }

    /** The jobs that wait or hold GPUs now, for the status overview. */
    public Uni<List<JobRecord>> active() {
        List<String> active = java.util.Arrays.stream(JobState.values()).filter(s -> s.waits() || s.holdsGpus())
                .map(Enum::name).toList();
        return transactions.inSession(session -> session
                .createQuery("from JobEntity where state in (:active)", JobEntity.class)
                .setParameter("active", active)
                .getResultList())
                .map(jobs -> jobs.stream().map(job -> toRecord(job, null)).toList());
    }

    /**
     * Applies one lifecycle event to the read model, once: a redelivered event finds its id in the inbox and
     * changes nothing. Events of one job arrive in order (one partition per job id).
     */
    public Uni<Void> apply(CloudEvent event, String traceparent) {
        JobEvent data = (JobEvent) event.data();
        return transactions.inTransaction(session -> inbox.firstDelivery(session, event)
                .chain(first -> !first
                        ? Uni.createFrom().voidItem()
                        : record(session, event, data, traceparent)));
    }

    private Uni<Void> record(Mutiny.Session session, CloudEvent event, JobEvent data, String traceparent) {
        JobEventEntity history = new JobEventEntity();
        history.ceId = event.id();
        history.jobId = data.jobId();
        history.ceType = event.type();
        history.ceSource = event.source();
        history.ceTime = event.time();
        history.data = json(data);
        return session.find(JobEntity.class, data.jobId(), LockModeType.PESSIMISTIC_WRITE)
                .chain(job -> {
                    if (job == null && data instanceof JobEvent.JobSubmitted submitted) {
                        // A job submitted by an external system straight onto Kafka is known here only through
                        // its event.
                        JobEntity created = fromEvent(submitted, traceparent);
                        return session.persist(created).replaceWith(created);
                    }
                    return Uni.createFrom().item(job);
                })
                .chain(job -> session.persist(history).invoke(() -> {
                    if (job != null) {
                        applyTo(job, data);
                    }
                }));
    }

    private JobEntity fromEvent(JobEvent.JobSubmitted submitted, String traceparent) {
        JobEntity job = new JobEntity();
        job.id = submitted.jobId();
        job.name = submitted.spec().name();
        job.project = submitted.spec().project();
        job.site = submitted.site();
        job.state = JobState.SUBMITTED.name();
        job.spec = json(submitted.spec());
        job.traceparent = traceparent;
        job.submittedBy = submitted.submittedBy();
        job.createdAt = now();
        job.updatedAt = job.createdAt;
        return job;
    }

    private static void applyTo(JobEntity job, JobEvent event) {
        Optional<JobState> next = JobState.valueOf(job.state).after(event);
        // The job moves to the burst site when its home site gives it up, not when a burst asks for it: a declined
        // reroute leaves it at home. The hand-over may find the job REROUTED already, a state it does not change.
        if (event instanceof JobEvent.JobHandedOver handedOver && !JobState.valueOf(job.state).isFinal()) {
            job.site = handedOver.toSite();
            job.updatedAt = now();
        }
        if (next.isEmpty()) {
            return;
        }
        job.state = next.get().name();
        job.pendingReason = event instanceof JobEvent.JobPending pending ? pending.reason() : null;
        if (event instanceof JobEvent.GpuAllocated allocated) {
            job.node = allocated.placements().stream().map(p -> p.node()).distinct()
                    .collect(Collectors.joining(","));
            job.gpus = allocated.placements().stream()
                    .map(p -> p.node() + ":" + String.join("+", p.gpuIds())
                            + (p.gpuFraction() < 1 ? "@" + p.gpuFraction() : ""))
                    .collect(Collectors.joining(","));
        }
        if (event instanceof JobEvent.JobCompleted completed) {
            job.exitCode = completed.exitCode();
        } else if (event instanceof JobEvent.JobFailed failed && failed.exitCode() != null) {
            job.exitCode = failed.exitCode();
        }
        if (event instanceof JobEvent.JobRerouteDeclined declined) {
            job.pendingReason = "reroute to " + declined.toSite() + " declined: " + declined.reason();
        }
        job.updatedAt = now();
    }

    private static Uni<JobEntity> findByIdempotencyKey(Mutiny.Session session, String project, String key) {
        if (key == null) {
            return Uni.createFrom().nullItem();
        }
        return session.createQuery("from JobEntity where project = :project and idempotencyKey = :key",
                JobEntity.class)
                .setParameter("project", project).setParameter("key", key)
                .getSingleResultOrNull();
    }

    private static boolean isUniqueViolation(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof org.hibernate.exception.ConstraintViolationException
                    || cause.getMessage() != null && cause.getMessage().contains("23505")) {
                return true;
            }
        }
        return false;
    }

    private JobRecord toRecord(JobEntity job, List<JobRecord.HistoryEntry> history) {
        JobSpec spec;
        try {
            spec = mapper.convertValue(job.spec, JobSpec.class);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("Stored spec of job " + job.id + " is unreadable", e);
        }
        return new JobRecord(job.id, job.name, job.project, job.site, job.state, job.pendingReason, job.node,
                job.gpus, job.exitCode, job.submittedBy, job.createdAt, job.updatedAt, spec, history);
    }

    private Map<String, Object> json(Object value) {
        return mapper.convertValue(value, JSON_OBJECT);
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
