package io.spillway.scheduler.persistence;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.spillway.scheduler.domain.Allocation;
import io.spillway.scheduler.domain.HandOver;
import io.spillway.scheduler.domain.JobState;
import io.spillway.schemas.EventCodec;
import io.spillway.schemas.JobSpec;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The scheduler's tables: job specs seen, this site's jobs and the GPUs they hold. Every method runs inside the
 * caller's transaction, so a state change and the outbox event that announces it commit together.
 */
@ApplicationScoped
public class JobStore {

    private static final Logger LOG = Logger.getLogger(JobStore.class);

    private static final String LIVE = "('PENDING', 'ALLOCATED', 'RUNNING')";
    private static final String SELECT_JOB = "SELECT j.job_id, j.state, j.reason, j.traceparent, j.submitted_at,"
            + " j.started_at, j.ended_at, j.exit_code, j.cancel_requested, j.preempt_requested, j.preempt_reason,"
            + " j.wait_kind, s.spec::text AS spec,"
            + " a.node, a.gpu_ids, a.fraction"
            + " FROM job j JOIN job_spec s USING (job_id)"
            + " LEFT JOIN LATERAL (SELECT node, array_agg(gpu_id ORDER BY length(gpu_id), gpu_id) AS gpu_ids,"
            + " max(fraction) AS fraction FROM allocation al WHERE al.job_id = j.job_id GROUP BY node"
            + " ORDER BY max(allocated_at) DESC LIMIT 1) a"
            + " ON true ";

    // The codec's mapper, so a spec is stored exactly as the event contract writes it.
    private final ObjectMapper mapper = EventCodec.shared().mapper();

    /** Keeps the spec of a submitted job, whatever its site, so a later JobRerouted can find it. */
    public Uni<Void> rememberSpec(SqlClient tx, String jobId, String homeSite, JobSpec spec, String submittedBy,
            OffsetDateTime submittedAt, String traceparent) {
        return tx.preparedQuery("INSERT INTO job_spec (job_id, home_site, spec, submitted_by, submitted_at,"
                + " traceparent) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (job_id) DO NOTHING")
                .execute(Tuple.from(Arrays.asList(jobId, homeSite, toJson(spec), submittedBy, utc(submittedAt),
                        traceparent)))
                .replaceWithVoid();
    }

    /** The spec and submit time of a job seen earlier. */
    public Uni<Optional<SeenSpec>> findSpec(SqlClient tx, String jobId) {
        return tx.preparedQuery("SELECT spec::text AS spec, submitted_at, cancel_requested FROM job_spec"
                + " WHERE job_id = $1")
                .execute(Tuple.of(jobId))
                .map(rows -> first(rows).map(row -> new SeenSpec(fromJson(row.getString("spec")),
                        row.getOffsetDateTime("submitted_at"), row.getBoolean("cancel_requested"))));
    }

    /**
     * Queues a job at this site, or queues again one that had been rerouted away and comes back; {@code false} when
     * the job is already here (a duplicate).
     */
    public Uni<Boolean> enqueue(SqlClient tx, String jobId, OffsetDateTime submittedAt, String traceparent,
            String reason) {
        return tx.preparedQuery("INSERT INTO job (job_id, submitted_at, state, reason, traceparent)"
                + " VALUES ($1, $2, 'PENDING', $3, $4)"
                + " ON CONFLICT (job_id) DO UPDATE SET state = 'PENDING', reason = excluded.reason,"
                + " traceparent = excluded.traceparent, cancel_requested = false, exit_code = NULL, rerouted_to = NULL,"
                + " started_at = NULL, ended_at = NULL, updated_at = now() WHERE job.state = 'REROUTED'")
                .execute(Tuple.of(jobId, utc(submittedAt), reason, traceparent))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Records a job that this site refused outright, so the state endpoint shows why. */
    public Uni<Void> recordRefused(SqlClient tx, String jobId, OffsetDateTime submittedAt, String traceparent,
            String reason) {
        return tx.preparedQuery("INSERT INTO job (job_id, submitted_at, state, reason, traceparent, ended_at)"
                + " VALUES ($1, $2, 'FAILED', $3, $4, now()) ON CONFLICT (job_id) DO NOTHING")
                .execute(Tuple.of(jobId, utc(submittedAt), reason, traceparent))
                .replaceWithVoid();
    }

    /**
     * Where a job stands here when a reroute of it arrives, its row locked until the transaction ends: a scheduling
     * pass cannot give it GPUs between this answer and the hand-over.
     */
    public Uni<Optional<RerouteCandidate>> lockForReroute(SqlClient tx, String jobId) {
        return tx.preparedQuery("SELECT state, cancel_requested, rerouted_to, traceparent FROM job WHERE job_id = $1"
                + " FOR UPDATE")
                .execute(Tuple.of(jobId))
                .map(rows -> first(rows).map(row -> new RerouteCandidate(
                        new HandOver.Position(JobState.valueOf(row.getString("state")),
                                row.getBoolean("cancel_requested"), row.getString("rerouted_to")),
                        row.getString("traceparent"))));
    }

    /**
     * Takes a waiting job out of this site's queue and hands it over to {@code toSite}; {@code false} when it was
     * not waiting here, or someone asked to cancel it.
     */
    public Uni<Boolean> markRerouted(SqlClient tx, String jobId, String toSite, String reason) {
        return tx.preparedQuery("UPDATE job SET state = 'REROUTED', rerouted_to = $2, reason = $3, updated_at = now()"
                + " WHERE job_id = $1 AND state = 'PENDING' AND NOT cancel_requested")
                .execute(Tuple.of(jobId, toSite, reason))
                .map(rows -> rows.rowCount() == 1);
    }

    /**
     * Notes that a job was cancelled, whatever its site, so that a hand-over of it to this site that arrives later
     * does not queue it.
     */
    public Uni<Void> rememberCancelled(SqlClient tx, String jobId) {
        return tx.preparedQuery("UPDATE job_spec SET cancel_requested = true WHERE job_id = $1")
                .execute(Tuple.of(jobId))
                .replaceWithVoid();
    }

    /** Flags a live job for cancellation; the scheduling loop stops it. {@code false} when it is not live here. */
    public Uni<Boolean> requestCancel(SqlClient tx, String jobId) {
        return tx.preparedQuery("UPDATE job SET cancel_requested = true, updated_at = now()"
                + " WHERE job_id = $1 AND state IN " + LIVE)
                .execute(Tuple.of(jobId))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Serialises scheduling passes, so that even two instances of one site could not give a GPU twice. */
    public Uni<Void> lockAllocations(SqlClient tx) {
        return tx.query("LOCK TABLE allocation IN EXCLUSIVE MODE").execute().replaceWithVoid();
    }

    /** The GPUs held now, one allocation per job. */
    public Uni<List<Allocation>> heldAllocations(SqlClient tx) {
        return tx.query("SELECT job_id, node, array_agg(gpu_id ORDER BY length(gpu_id), gpu_id) AS gpu_ids,"
                + " max(fraction) AS fraction FROM allocation WHERE released_at IS NULL GROUP BY job_id, node"
                + " ORDER BY job_id")
                .execute()
                .map(rows -> {
                    List<Allocation> held = new ArrayList<>();
                    for (Row row : rows) {
                        held.add(new Allocation(row.getString("job_id"), row.getString("node"),
                                Arrays.asList(row.getArrayOfStrings("gpu_ids")), row.getDouble("fraction")));
                    }
                    return held;
                });
    }

    /** Jobs in {@code state}, in queue order; jobs flagged for cancellation only when {@code withCancelled}. */
    public Uni<List<StoredJob>> jobsIn(SqlClient tx, JobState state, boolean withCancelled) {
        return tx.preparedQuery(SELECT_JOB + "WHERE j.state = $1"
                + (withCancelled ? "" : " AND NOT j.cancel_requested AND NOT j.preempt_requested")
                + " ORDER BY j.submitted_at, j.seq")
                .execute(Tuple.of(state.name()))
                .map(this::jobs);
    }

    /** Live jobs someone asked to cancel. */
    public Uni<List<StoredJob>> cancelRequested(SqlClient tx) {
        return tx.query(SELECT_JOB + "WHERE j.cancel_requested AND j.state IN " + LIVE + " ORDER BY j.seq")
                .execute()
                .map(this::jobs);
    }

    /** The latest jobs, newest first, for the state endpoint. */
    public Uni<List<StoredJob>> recentJobs(SqlClient client, int limit) {
        return client.preparedQuery(SELECT_JOB + "ORDER BY j.seq DESC LIMIT $1")
                .execute(Tuple.of(limit))
                .map(this::jobs);
    }

    /**
     * Gives a pending job its GPUs: one allocation per worker, in worker order; {@code false}, and nothing held, when
     * the job stopped waiting since the pass read the queue (handed over to a burst site, most likely).
     */
    public Uni<Boolean> allocate(SqlClient tx, String jobId, List<Allocation> workers) {
        List<Tuple> rows = new ArrayList<>();
        for (int worker = 0; worker < workers.size(); worker++) {
            Allocation allocation = workers.get(worker);
            for (String gpuId : allocation.gpuIds()) {
                rows.add(Tuple.of(jobId, allocation.node(), gpuId, allocation.fraction(), worker));
            }
        }
        return tx.preparedQuery("UPDATE job SET state = 'ALLOCATED', reason = NULL, wait_kind = NULL,"
                + " updated_at = now() WHERE job_id = $1 AND state = 'PENDING'")
                .execute(Tuple.of(jobId))
                .chain(updated -> updated.rowCount() == 0 ? Uni.createFrom().item(false)
                        : tx.preparedQuery("INSERT INTO allocation (job_id, node, gpu_id, fraction, worker)"
                                + " VALUES ($1, $2, $3, $4, $5)").executeBatch(rows).replaceWith(true));
    }

    /** Every worker's GPUs of the jobs that hold GPUs now, by job id, in worker order. */
    public Uni<Map<String, List<Allocation>>> heldByJob(SqlClient tx) {
        return tx.query("SELECT job_id, worker, node, array_agg(gpu_id ORDER BY length(gpu_id), gpu_id) AS gpu_ids,"
                + " max(fraction) AS fraction FROM allocation WHERE released_at IS NULL"
                + " GROUP BY job_id, worker, node ORDER BY job_id, worker")
                .execute()
                .map(rows -> {
                    Map<String, List<Allocation>> held = new LinkedHashMap<>();
                    for (Row row : rows) {
                        held.computeIfAbsent(row.getString("job_id"), id -> new ArrayList<>())
                                .add(new Allocation(row.getString("job_id"), row.getString("node"),
                                        Arrays.asList(row.getArrayOfStrings("gpu_ids")), row.getDouble("fraction")));
                    }
                    return held;
                });
    }

    /** Why a pending job waits, and whether for GPUs or for its project's policy. */
    public Uni<Void> setReason(SqlClient tx, String jobId, String reason, String waitKind) {
        return tx.preparedQuery("UPDATE job SET reason = $2, wait_kind = $3, updated_at = now() WHERE job_id = $1")
                .execute(Tuple.of(jobId, reason, waitKind))
                .replaceWithVoid();
    }

    /** Asks for a job that holds GPUs to give way; {@code false} when it no longer holds any or already gives way. */
    public Uni<Boolean> requestPreempt(SqlClient tx, String jobId, String reason) {
        return tx.preparedQuery("UPDATE job SET preempt_requested = true, preempt_reason = $2, updated_at = now()"
                + " WHERE job_id = $1 AND state IN ('ALLOCATED', 'RUNNING') AND NOT preempt_requested")
                .execute(Tuple.of(jobId, reason))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Jobs asked to give way that still hold GPUs. */
    public Uni<List<StoredJob>> preemptRequested(SqlClient tx) {
        return tx.query(SELECT_JOB + "WHERE j.preempt_requested AND NOT j.cancel_requested"
                + " AND j.state IN ('ALLOCATED', 'RUNNING') ORDER BY j.seq")
                .execute()
                .map(this::jobs);
    }

    /**
     * Puts a preempted job back in the queue, keeping its submit time so it is served before later jobs of its
     * class, and frees its GPUs; {@code false} when it no longer held any.
     */
    public Uni<Boolean> requeue(SqlClient tx, String jobId, String reason) {
        return tx.preparedQuery("UPDATE job SET state = 'PENDING', reason = $2, wait_kind = 'CAPACITY',"
                + " preempt_requested = false, preempt_reason = NULL, started_at = NULL, updated_at = now()"
                + " WHERE job_id = $1 AND state IN ('ALLOCATED', 'RUNNING')")
                .execute(Tuple.of(jobId, reason))
                .chain(updated -> updated.rowCount() == 0 ? Uni.createFrom().item(false)
                        : tx.preparedQuery("UPDATE allocation SET released_at = now()"
                                + " WHERE job_id = $1 AND released_at IS NULL")
                                .execute(Tuple.of(jobId))
                                .replaceWith(true));
    }

    /** The job as it is now, or empty. */
    public Uni<Optional<StoredJob>> find(SqlClient tx, String jobId) {
        return tx.preparedQuery(SELECT_JOB + "WHERE j.job_id = $1").execute(Tuple.of(jobId))
                .map(rows -> jobs(rows).stream().findFirst());
    }

    /** Whether this site last said its queue overflowed. */
    public Uni<Boolean> queueExceeded(SqlClient tx, String site) {
        return tx.preparedQuery("SELECT exceeded FROM queue_signal WHERE site = $1").execute(Tuple.of(site))
                .map(rows -> first(rows).map(row -> row.getBoolean("exceeded")).orElse(false));
    }

    public Uni<Void> setQueueExceeded(SqlClient tx, String site, boolean exceeded) {
        return tx.preparedQuery("INSERT INTO queue_signal (site, exceeded) VALUES ($1, $2) ON CONFLICT (site)"
                + " DO UPDATE SET exceeded = excluded.exceeded, changed_at = now()")
                .execute(Tuple.of(site, exceeded))
                .replaceWithVoid();
    }

    /** An allocated job's process started; {@code false} when the job is no longer allocated. */
    public Uni<Boolean> markRunning(SqlClient tx, String jobId) {
        return tx.preparedQuery("UPDATE job SET state = 'RUNNING', started_at = now(), updated_at = now()"
                + " WHERE job_id = $1 AND state = 'ALLOCATED'")
                .execute(Tuple.of(jobId))
                .map(rows -> rows.rowCount() == 1);
    }

    /**
     * Ends a live job in {@code state} and frees its GPUs; {@code false} when it had already ended, in which case
     * nothing changes and the caller emits nothing.
     */
    public Uni<Boolean> finish(SqlClient tx, String jobId, JobState state, Integer exitCode, String reason) {
        return tx.preparedQuery("UPDATE job SET state = $2, exit_code = $3, reason = $4, ended_at = now(),"
                + " updated_at = now() WHERE job_id = $1 AND state IN " + LIVE)
                .execute(Tuple.of(jobId, state.name(), exitCode, reason))
                .chain(updated -> updated.rowCount() == 0 ? Uni.createFrom().item(false)
                        : tx.preparedQuery("UPDATE allocation SET released_at = now()"
                                + " WHERE job_id = $1 AND released_at IS NULL")
                                .execute(Tuple.of(jobId))
                                .replaceWith(true));
    }

    private List<StoredJob> jobs(RowSet<Row> rows) {
        List<StoredJob> jobs = new ArrayList<>();
        for (Row row : rows) {
            String[] gpuIds = row.getArrayOfStrings("gpu_ids");
            jobs.add(new StoredJob(row.getString("job_id"), JobState.valueOf(row.getString("state")),
                    row.getString("reason"), row.getString("traceparent"), row.getOffsetDateTime("submitted_at"),
                    row.getOffsetDateTime("started_at"), row.getOffsetDateTime("ended_at"),
                    row.getInteger("exit_code"), row.getBoolean("cancel_requested"),
                    row.getBoolean("preempt_requested"), row.getString("preempt_reason"), row.getString("wait_kind"),
                    specOrNull(row.getString("job_id"), row.getString("spec")),
                    row.getString("node"), gpuIds == null ? List.of() : Arrays.asList(gpuIds),
                    row.getDouble("fraction")));
        }
        return jobs;
    }

    private static Optional<Row> first(RowSet<Row> rows) {
        var iterator = rows.iterator();
        return iterator.hasNext() ? Optional.of(iterator.next()) : Optional.empty();
    }

    private static OffsetDateTime utc(OffsetDateTime time) {
        return time.withOffsetSameInstant(ZoneOffset.UTC);
    }

    /** A JSON object, not a string: the client would store a Java string as a JSON string value. */
    private JsonObject toJson(JobSpec spec) {
        try {
            return new JsonObject(mapper.writeValueAsString(spec));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the spec as JSON", e);
        }
    }

    private JobSpec fromJson(String json) {
        try {
            return mapper.readValue(json, JobSpec.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored job spec does not read back: " + e.getMessage(), e);
        }
    }

    /** The spec of a listed job, or {@code null} when it cannot be read: one bad row must not stop the site. */
    private JobSpec specOrNull(String jobId, String json) {
        try {
            return fromJson(json);
        } catch (IllegalStateException e) {
            LOG.errorf("The stored spec of job %s cannot be read: %s", jobId, e.getMessage());
            return null;
        }
    }

    /** A job of this site that a burst asks to move: where it stands, and its trace. */
    public record RerouteCandidate(HandOver.Position position, String traceparent) {
    }

    /**
     * A job spec seen in a JobSubmitted, and when that job was submitted.
     *
     * @param cancelled whether a JobCancelled of the job was seen, wherever it ran
     */
    public record SeenSpec(JobSpec spec, OffsetDateTime submittedAt, boolean cancelled) {
    }
}
