package io.spillway.intake.persistence;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.spillway.intake.domain.JobState;
import io.spillway.kit.Inbox;
import io.spillway.kit.Outbox;
import io.spillway.schemas.CloudEvent;
import io.spillway.schemas.EventCodec;
import io.spillway.schemas.JobEvent;
import io.spillway.schemas.JobSpec;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** The jobs read model in PostgreSQL: accepting a job (with its event, atomically) and applying lifecycle events. */
@ApplicationScoped
public class JobRepository {

    private static final String COLUMNS = "id, name, project, site, state, pending_reason, node, gpus, exit_code,"
            + " created_at, updated_at, spec";

    private final PgPool pool;
    private final Outbox outbox;
    private final Inbox inbox;
    private final ObjectMapper mapper = EventCodec.shared().mapper();

    public JobRepository(PgPool pool, Outbox outbox, Inbox inbox) {
        this.pool = pool;
        this.outbox = outbox;
        this.inbox = inbox;
    }

    /** What {@link #submit} did: a new job, or the one an earlier request with the same idempotency key created. */
    public record Submission(JobRecord job, boolean created) {
    }

    /**
     * Records a new job and its {@code JobSubmitted} event in one transaction. With an idempotency key already used
     * in this project, returns the first job instead of creating a second.
     */
    public Uni<Submission> submit(JobSpec spec, String site, String idempotencyKey, String submittedBy,
            String traceparent) {
        String id = UUID.randomUUID().toString();
        return pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO jobs (id, name, project, site, state, spec,"
                + " traceparent, idempotency_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
                + " ON CONFLICT (project, idempotency_key) DO NOTHING RETURNING " + COLUMNS)
                .execute(Tuple.from(new Object[] { id, spec.name(), spec.project(), site, JobState.SUBMITTED.name(),
                        json(spec), traceparent, idempotencyKey }))
                .chain(rows -> {
                    if (rows.rowCount() == 0) {
                        return findByIdempotencyKey(tx, spec.project(), idempotencyKey)
                                .map(existing -> new Submission(existing, false));
                    }
                    JobRecord created = toRecord(rows.iterator().next(), List.of());
                    return outbox.append(tx, new JobEvent.JobSubmitted(id, site, spec, submittedBy), traceparent)
                            .replaceWith(new Submission(created, true));
                }));
    }

    /** Asks for a job to be cancelled; empty when there is no such job, {@code false} when it already ended. */
    public Uni<Optional<Boolean>> requestCancel(String id, String reason, String requestedBy) {
        return pool.withTransaction(tx -> tx.preparedQuery("SELECT state, traceparent FROM jobs WHERE id = $1 FOR UPDATE")
                .execute(Tuple.of(id))
                .chain(rows -> {
                    if (rows.rowCount() == 0) {
                        return Uni.createFrom().item(Optional.<Boolean> empty());
                    }
                    Row row = rows.iterator().next();
                    if (JobState.valueOf(row.getString("state")).isFinal()) {
                        return Uni.createFrom().item(Optional.of(false));
                    }
                    return outbox.append(tx, new JobEvent.JobCancelled(id, reason, requestedBy),
                            row.getString("traceparent")).replaceWith(Optional.of(true));
                }));
    }

    public Uni<Optional<JobRecord>> find(String id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM jobs WHERE id = $1").execute(Tuple.of(id))
                .chain(rows -> {
                    if (rows.rowCount() == 0) {
                        return Uni.createFrom().item(Optional.<JobRecord> empty());
                    }
                    Row job = rows.iterator().next();
                    return pool.preparedQuery("SELECT ce_type, ce_time, ce_source, data FROM job_events"
                            + " WHERE job_id = $1 ORDER BY seq").execute(Tuple.of(id))
                            .map(events -> {
                                List<JobRecord.HistoryEntry> history = new ArrayList<>();
                                for (Row event : events) {
                                    history.add(new JobRecord.HistoryEntry(event.getString("ce_type"),
                                            event.getOffsetDateTime("ce_time"), event.getString("ce_source"),
                                            readTree(event.getJsonObject("data").encode())));
                                }
                                return Optional.of(toRecord(job, history));
                            });
                });
    }

    /** Jobs, newest first, filtered by the non-null arguments. */
    public Uni<List<JobRecord>> list(String project, String state, String site, int limit, int offset) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM jobs WHERE ($1::text IS NULL OR project = $1)"
                + " AND ($2::text IS NULL OR state = $2) AND ($3::text IS NULL OR site = $3)"
                + " ORDER BY created_at DESC, id LIMIT $4 OFFSET $5")
                .execute(Tuple.of(project, state, site, limit, offset))
                .map(rows -> {
                    List<JobRecord> jobs = new ArrayList<>();
                    rows.forEach(row -> jobs.add(toRecord(row, null)));
                    return jobs;
                });
    }

    /**
     * Applies one lifecycle event to the read model, once: a redelivered event finds its id in the inbox and
     * changes nothing. Events of one job arrive in order (one partition per job id).
     */
    public Uni<Void> apply(CloudEvent event, String traceparent) {
        JobEvent data = (JobEvent) event.data();
        return pool.withTransaction(tx -> inbox.firstDelivery(tx, event).chain(first -> {
            if (!first) {
                return Uni.createFrom().voidItem();
            }
            Uni<Void> ensureJob = data instanceof JobEvent.JobSubmitted submitted
                    ? insertFromEvent(tx, submitted, traceparent)
                    : Uni.createFrom().voidItem();
            return ensureJob
                    .chain(() -> tx.preparedQuery("INSERT INTO job_events (ce_id, job_id, ce_type, ce_source, ce_time,"
                            + " data) VALUES ($1, $2, $3, $4, $5, $6)")
                            .execute(Tuple.from(new Object[] { event.id(), data.jobId(), event.type(), event.source(),
                                    event.time(), json(data) })))
                    .chain(() -> tx.preparedQuery("SELECT state FROM jobs WHERE id = $1 FOR UPDATE")
                            .execute(Tuple.of(data.jobId())))
                    .chain(rows -> rows.rowCount() == 0
                            ? Uni.createFrom().voidItem()
                            : updateState(tx, data, JobState.valueOf(rows.iterator().next().getString("state"))));
        }));
    }

    private Uni<Void> insertFromEvent(SqlClient tx, JobEvent.JobSubmitted submitted, String traceparent) {
        // A job submitted by an external system straight onto Kafka is known here only through its event.
        return tx.preparedQuery("INSERT INTO jobs (id, name, project, site, state, spec, traceparent)"
                + " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING")
                .execute(Tuple.from(new Object[] { submitted.jobId(), submitted.spec().name(),
                        submitted.spec().project(), submitted.site(), JobState.SUBMITTED.name(),
                        json(submitted.spec()), traceparent }))
                .replaceWithVoid();
    }

    private Uni<Void> updateState(SqlClient tx, JobEvent event, JobState current) {
        Optional<JobState> next = current.after(event);
        if (next.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String pendingReason = event instanceof JobEvent.JobPending pending ? pending.reason() : null;
        String node = null;
        String gpus = null;
        if (event instanceof JobEvent.GpuAllocated allocated) {
            node = allocated.placements().stream().map(p -> p.node()).distinct().collect(Collectors.joining(","));
            gpus = allocated.placements().stream()
                    .map(p -> p.node() + ":" + String.join("+", p.gpuIds())
                            + (p.gpuFraction() < 1 ? "@" + p.gpuFraction() : ""))
                    .collect(Collectors.joining(","));
        }
        Integer exitCode = event instanceof JobEvent.JobCompleted completed ? Integer.valueOf(completed.exitCode())
                : event instanceof JobEvent.JobFailed failed ? failed.exitCode() : null;
        String site = event instanceof JobEvent.JobRerouted rerouted ? rerouted.toSite() : null;
        return tx.preparedQuery("UPDATE jobs SET state = $2, pending_reason = $3, node = COALESCE($4, node),"
                + " gpus = COALESCE($5, gpus), exit_code = COALESCE($6, exit_code), site = COALESCE($7, site),"
                + " updated_at = now() WHERE id = $1")
                .execute(Tuple.from(new Object[] { event.jobId(), next.get().name(), pendingReason, node, gpus,
                        exitCode, site }))
                .replaceWithVoid();
    }

    private Uni<JobRecord> findByIdempotencyKey(SqlClient tx, String project, String key) {
        return tx.preparedQuery("SELECT " + COLUMNS + " FROM jobs WHERE project = $1 AND idempotency_key = $2")
                .execute(Tuple.of(project, key))
                .map(rows -> toRecord(rows.iterator().next(), null));
    }

    private JobRecord toRecord(Row row, List<JobRecord.HistoryEntry> history) {
        JobSpec spec;
        try {
            spec = mapper.readValue(row.getJsonObject("spec").encode(), JobSpec.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored spec of job " + row.getString("id") + " is unreadable", e);
        }
        return new JobRecord(row.getString("id"), row.getString("name"), row.getString("project"),
                row.getString("site"), row.getString("state"), row.getString("pending_reason"), row.getString("node"),
                row.getString("gpus"), row.getInteger("exit_code"), row.getOffsetDateTime("created_at"),
                row.getOffsetDateTime("updated_at"), spec, history);
    }

    private JsonObject json(Object value) {
        try {
            return new JsonObject(mapper.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private com.fasterxml.jackson.databind.JsonNode readTree(String json) {
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
