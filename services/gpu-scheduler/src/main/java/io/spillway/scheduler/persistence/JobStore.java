package io.spillway.scheduler.persistence;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.spillway.kit.NativeRows;
import io.spillway.scheduler.domain.Allocation;
import io.spillway.scheduler.domain.HandOver;
import io.spillway.scheduler.domain.JobState;
import io.spillway.schemas.EventCodec;
import io.spillway.schemas.JobSpec;

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
            + " j.wait_kind, CAST(s.spec AS text) AS spec,"
            + " a.node, a.gpu_ids, a.fraction"
            + " FROM job j JOIN job_spec s USING (job_id)"
            + " LEFT JOIN LATERAL (SELECT node, CAST(json_agg(gpu_id ORDER BY length(gpu_id), gpu_id) AS text)"
            + " AS gpu_ids,"
            + " max(fraction) AS fraction FROM allocation al WHERE al.job_id = j.job_id GROUP BY node"
            + " ORDER BY max(allocated_at) DESC LIMIT 1) a"
            + " ON true ";

    // The codec's mapper, so a spec is stored exactly as the event contract writes it.
    private final ObjectMapper mapper = EventCodec.shared().mapper();

    /** Keeps the spec of a submitted job, whatever its site, so a later JobRerouted can find it. */
    public Uni<Void> rememberSpec(Mutiny.Session session, String jobId, String homeSite, JobSpec spec,
            String submittedBy, OffsetDateTime submittedAt, String traceparent) {
        return session.createNativeQuery("INSERT INTO job_spec (job_id, home_site, spec, submitted_by, submitted_at,"
                + " traceparent) VALUES (:id, :home, CAST(CAST(:spec AS text) AS jsonb), :by, :at, :trace)"
                + " ON CONFLICT (job_id) DO NOTHING")
                .setParameter("id", jobId).setParameter("home", homeSite).setParameter("spec", toJson(spec))
                .setParameter("by", submittedBy).setParameter("at", utc(submittedAt))
                .setParameter("trace", traceparent)
                .executeUpdate()
                .replaceWithVoid();
    }

    /** The spec and submit time of a job seen earlier. */
    public Uni<Optional<SeenSpec>> findSpec(Mutiny.Session session, String jobId) {
        return session.createNativeQuery("SELECT CAST(spec AS text) AS spec, submitted_at, cancel_requested FROM job_spec"
                + " WHERE job_id = :id", Object[].class)
                .setParameter("id", jobId)
                .getResultList()
                .map(rows -> rows.stream().findFirst().map(row -> new SeenSpec(fromJson(NativeRows.text(row[0])),
                        NativeRows.time(row[1]), NativeRows.bool(row[2]))));
    }

    /**
     * Queues a job at this site, or queues again one that had been rerouted away and comes back; {@code false} when
     * the job is already here (a duplicate).
     */
    public Uni<Boolean> enqueue(Mutiny.Session session, String jobId, OffsetDateTime submittedAt, String traceparent,
            String reason) {
        return session.createNativeQuery("INSERT INTO job (job_id, submitted_at, state, reason, traceparent)"
                + " VALUES (:id, :at, 'PENDING', :reason, :trace)"
                + " ON CONFLICT (job_id) DO UPDATE SET state = 'PENDING', reason = excluded.reason,"
                + " traceparent = excluded.traceparent, cancel_requested = false, exit_code = NULL, rerouted_to = NULL,"
                + " started_at = NULL, ended_at = NULL, updated_at = now() WHERE job.state = 'REROUTED'")
                .setParameter("id", jobId).setParameter("at", utc(submittedAt)).setParameter("reason", reason)
                .setParameter("trace", traceparent)
                .executeUpdate()
                .map(rows -> rows == 1);
    }

    /** Records a job that this site refused outright, so the state endpoint shows why. */
    public Uni<Void> recordRefused(Mutiny.Session session, String jobId, OffsetDateTime submittedAt,
            String traceparent, String reason) {
        return session.createNativeQuery("INSERT INTO job (job_id, submitted_at, state, reason, traceparent, ended_at)"
                + " VALUES (:id, :at, 'FAILED', :reason, :trace, now()) ON CONFLICT (job_id) DO NOTHING")
                .setParameter("id", jobId).setParameter("at", utc(submittedAt)).setParameter("reason", reason)
                .setParameter("trace", traceparent)
                .executeUpdate()
                .replaceWithVoid();
    }

    /**
     * Where a job stands here when a reroute of it arrives, its row locked until the transaction ends: a scheduling
     * pass cannot give it GPUs between this answer and the hand-over.
     */
    public Uni<Optional<RerouteCandidate>> lockForReroute(Mutiny.Session session, String jobId) {
        return session.createNativeQuery("SELECT state, cancel_requested, rerouted_to, traceparent FROM job"
                + " WHERE job_id = :id FOR UPDATE", Object[].class)
                .setParameter("id", jobId)
                .getResultList()
                .map(rows -> rows.stream().findFirst().map(row -> new RerouteCandidate(
                        new HandOver.Position(JobState.valueOf(NativeRows.text(row[0])), NativeRows.bool(row[1]),
                                NativeRows.text(row[2])),
                        NativeRows.text(row[3]))));
    }

    /**
     * Takes a waiting job out of this site's queue and hands it over to {@code toSite}; {@code false} when it was
     * not waiting here, or someone asked to cancel it.
     */
    public Uni<Boolean> markRerouted(Mutiny.Session session, String jobId, String toSite, String reason) {
        return session.createNativeQuery("UPDATE job SET state = 'REROUTED', rerouted_to = :to, reason = :reason,"
                + " updated_at = now() WHERE job_id = :id AND state = 'PENDING' AND NOT cancel_requested")
                .setParameter("id", jobId).setParameter("to", toSite).setParameter("reason", reason)
                .executeUpdate()
                .map(rows -> rows == 1);
    }

    /**
     * Notes that a job was cancelled, whatever its site, so that a hand-over of it to this site that arrives later
     * does not queue it.
     */
    public Uni<Void> rememberCancelled(Mutiny.Session session, String jobId) {
        return session.createNativeQuery("UPDATE job_spec SET cancel_requested = true WHERE job_id = :id")
                .setParameter("id", jobId)
                .executeUpdate()
                .replaceWithVoid();
    }

    /** Flags a live job for cancellation; the scheduling loop stops it. {@code false} when it is not live here. */
    public Uni<Boolean> requestCancel(Mutiny.Session session, String jobId) {
        return session.createNativeQuery("UPDATE job SET cancel_requested = true, updated_at = now()"
                + " WHERE job_id = :id AND state IN " + LIVE)
                .setParameter("id", jobId)
                .executeUpdate()
                .map(rows -> rows == 1);
    }

    /** Serialises scheduling passes, so that even two instances of one site could not give a GPU twice. */
    public Uni<Void> lockAllocations(Mutiny.Session session) {
        return session.createNativeQuery("LOCK TABLE allocation IN EXCLUSIVE MODE").executeUpdate().replaceWithVoid();
    }

    /** The GPUs held now, one allocation per job. */
    public Uni<List<Allocation>> heldAllocations(Mutiny.Session session) {
        return session.createNativeQuery("SELECT job_id, node, CAST(json_agg(gpu_id ORDER BY length(gpu_id),"
                + " gpu_id) AS text) AS gpu_ids, max(fraction) AS fraction FROM allocation WHERE released_at IS NULL"
                + " GROUP BY job_id, node ORDER BY job_id",
                Object[].class)
                .getResultList()
                .map(rows -> {
                    List<Allocation> held = new ArrayList<>();
                    for (Object[] row : rows) {
                        held.add(new Allocation(NativeRows.text(row[0]), NativeRows.text(row[1]),
                                NativeRows.strings(row[2]), NativeRows.dbl(row[3])));
                    }
                    return held;
                });
    }

    /** Jobs in {@code state}, in queue order; jobs flagged for cancellation only when {@code withCancelled}. */
    public Uni<List<StoredJob>> jobsIn(Mutiny.Session session, JobState state, boolean withCancelled) {
        return session.createNativeQuery(SELECT_JOB + "WHERE j.state = :state"
                + (withCancelled ? "" : " AND NOT j.cancel_requested AND NOT j.preempt_requested")
                + " ORDER BY j.submitted_at, j.seq", Object[].class)
                .setParameter("state", state.name())
                .getResultList()
                .map(this::jobs);
    }

    /** Live jobs someone asked to cancel. */
    public Uni<List<StoredJob>> cancelRequested(Mutiny.Session session) {
        return session.createNativeQuery(SELECT_JOB + "WHERE j.cancel_requested AND j.state IN " + LIVE
                + " ORDER BY j.seq", Object[].class)
                .getResultList()
                .map(this::jobs);
    }

    /** The latest jobs, newest first, for the state endpoint. */
    public Uni<List<StoredJob>> recentJobs(Mutiny.Session session, int limit) {
        return session.createNativeQuery(SELECT_JOB + "ORDER BY j.seq DESC LIMIT :limit", Object[].class)
                .setParameter("limit", limit)
                .getResultList()
                .map(this::jobs);
    }

    /**
     * Gives a pending job its GPUs: one allocation per worker, in worker order; {@code false}, and nothing held, when
     * the job stopped waiting since the pass read the queue (handed over to a burst site, most likely).
     */
    public Uni<Boolean> allocate(Mutiny.Session session, String jobId, List<Allocation> workers) {
        return session.createNativeQuery("UPDATE job SET state = 'ALLOCATED', reason = NULL, wait_kind = NULL,"
                + " updated_at = now() WHERE job_id = :id AND state = 'PENDING'")
                .setParameter("id", jobId)
                .executeUpdate()
                .chain(updated -> updated == 0 ? Uni.createFrom().item(false)
                        : insertAllocations(session, jobId, workers).replaceWith(true));
    }

    /** One row per worker and GPU, in one multi-row statement: one round trip however large the gang. */
    private static Uni<Integer> insertAllocations(Mutiny.Session session, String jobId, List<Allocation> workers) {
        StringBuilder sql = new StringBuilder("INSERT INTO allocation (job_id, node, gpu_id, fraction, worker) VALUES ");
        List<Object> values = new ArrayList<>();
        int row = 0;
        for (int worker = 0; worker < workers.size(); worker++) {
            Allocation allocation = workers.get(worker);
            for (String gpuId : allocation.gpuIds()) {
                sql.append(row == 0 ? "" : ", ").append("(:job, :node").append(row).append(", :gpu").append(row)
                        .append(", :fraction").append(row).append(", :worker").append(row).append(')');
                values.add(allocation.node());
                values.add(gpuId);
                values.add(allocation.fraction());
                values.add(worker);
                row++;
            }
        }
        if (row == 0) {
            return Uni.createFrom().item(0);
        }
        Mutiny.Query<Object> insert = session.createNativeQuery(sql.toString());
        insert.setParameter("job", jobId);
        for (int i = 0; i < row; i++) {
            insert.setParameter("node" + i, values.get(4 * i));
            insert.setParameter("gpu" + i, values.get(4 * i + 1));
            insert.setParameter("fraction" + i, values.get(4 * i + 2));
            insert.setParameter("worker" + i, values.get(4 * i + 3));
        }
        return insert.executeUpdate();
    }

    /** Every worker's GPUs of the jobs that hold GPUs now, by job id, in worker order. */
    public Uni<Map<String, List<Allocation>>> heldByJob(Mutiny.Session session) {
        return session.createNativeQuery("SELECT job_id, worker, node, CAST(json_agg(gpu_id ORDER BY"
                + " length(gpu_id), gpu_id) AS text) AS gpu_ids, max(fraction) AS fraction FROM allocation WHERE released_at IS NULL"
                + " GROUP BY job_id, worker, node ORDER BY job_id, worker", Object[].class)
                .getResultList()
                .map(rows -> {
                    Map<String, List<Allocation>> held = new LinkedHashMap<>();
                    for (Object[] row : rows) {
                        String jobId = NativeRows.text(row[0]);
                        held.computeIfAbsent(jobId, id -> new ArrayList<>())
                                .add(new Allocation(jobId, NativeRows.text(row[2]), NativeRows.strings(row[3]),
                                        NativeRows.dbl(row[4])));
                    }
                    return held;
                });
    }

    /** Why a pending job waits, and whether for GPUs or for its project's policy. */
    public Uni<Void> setReason(Mutiny.Session session, String jobId, String reason, String waitKind) {
        return session.createNativeQuery("UPDATE job SET reason = :reason, wait_kind = :kind, updated_at = now()"
                + " WHERE job_id = :id")
                .setParameter("id", jobId).setParameter("reason", reason).setParameter("kind", waitKind)
                .executeUpdate()
                .replaceWithVoid();
    }

    /** Asks for a job that holds GPUs to give way; {@code false} when it no longer holds any or already gives way. */
    public Uni<Boolean> requestPreempt(Mutiny.Session session, String jobId, String reason) {
        return session.createNativeQuery("UPDATE job SET preempt_requested = true, preempt_reason = :reason,"
                + " updated_at = now() WHERE job_id = :id AND state IN ('ALLOCATED', 'RUNNING')"
                + " AND NOT preempt_requested")
                .setParameter("id", jobId).setParameter("reason", reason)
                .executeUpdate()
                .map(rows -> rows == 1);
    }

    /** Jobs asked to give way that still hold GPUs. */
    public Uni<List<StoredJob>> preemptRequested(Mutiny.Session session) {
        return session.createNativeQuery(SELECT_JOB + "WHERE j.preempt_requested AND NOT j.cancel_requested"
                + " AND j.state IN ('ALLOCATED', 'RUNNING') ORDER BY j.seq", Object[].class)
                .getResultList()
                .map(this::jobs);
    }

    /**
     * Puts a preempted job back in the queue, keeping its submit time so it is served before later jobs of its
     * class, and frees its GPUs; {@code false} when it no longer held any.
     */
    public Uni<Boolean> requeue(Mutiny.Session session, String jobId, String reason) {
        return session.createNativeQuery("UPDATE job SET state = 'PENDING', reason = :reason, wait_kind = 'CAPACITY',"
                + " preempt_requested = false, preempt_reason = NULL, started_at = NULL, updated_at = now()"
                + " WHERE job_id = :id AND state IN ('ALLOCATED', 'RUNNING')")
                .setParameter("id", jobId).setParameter("reason", reason)
                .executeUpdate()
                .chain(updated -> updated == 0 ? Uni.createFrom().item(false)
                        : releaseAllocations(session, jobId).replaceWith(true));
    }

    /** The job as it is now, or empty. */
    public Uni<Optional<StoredJob>> find(Mutiny.Session session, String jobId) {
        return session.createNativeQuery(SELECT_JOB + "WHERE j.job_id = :id", Object[].class)
                .setParameter("id", jobId)
                .getResultList()
                .map(rows -> jobs(rows).stream().findFirst());
    }

    /** Whether this site last said its queue overflowed. */
    public Uni<Boolean> queueExceeded(Mutiny.Session session, String site) {
        return session.createNativeQuery("SELECT exceeded FROM queue_signal WHERE site = :site", Boolean.class)
                .setParameter("site", site)
                .getResultList()
                .map(rows -> !rows.isEmpty() && NativeRows.bool(rows.get(0)));
    }

    public Uni<Void> setQueueExceeded(Mutiny.Session session, String site, boolean exceeded) {
        return session.createNativeQuery("INSERT INTO queue_signal (site, exceeded) VALUES (:site, :exceeded)"
                + " ON CONFLICT (site) DO UPDATE SET exceeded = excluded.exceeded, changed_at = now()")
                .setParameter("site", site).setParameter("exceeded", exceeded)
                .executeUpdate()
                .replaceWithVoid();
    }

    /** An allocated job's process started; {@code false} when the job is no longer allocated. */
    public Uni<Boolean> markRunning(Mutiny.Session session, String jobId) {
        return session.createNativeQuery("UPDATE job SET state = 'RUNNING', started_at = now(), updated_at = now()"
                + " WHERE job_id = :id AND state = 'ALLOCATED'")
                .setParameter("id", jobId)
                .executeUpdate()
                .map(rows -> rows == 1);
    }

    /**
     * Ends a live job in {@code state} and frees its GPUs; {@code false} when it had already ended, in which case
     * nothing changes and the caller emits nothing.
     */
    public Uni<Boolean> finish(Mutiny.Session session, String jobId, JobState state, Integer exitCode,
            String reason) {
        return session.createNativeQuery("UPDATE job SET state = :state, exit_code = :code, reason = :reason,"
                + " ended_at = now(), updated_at = now() WHERE job_id = :id AND state IN " + LIVE)
                .setParameter("id", jobId).setParameter("state", state.name()).setParameter("code", exitCode)
                .setParameter("reason", reason)
                .executeUpdate()
                .chain(updated -> updated == 0 ? Uni.createFrom().item(false)
                        : releaseAllocations(session, jobId).replaceWith(true));
    }

    private static Uni<Integer> releaseAllocations(Mutiny.Session session, String jobId) {
        return session.createNativeQuery("UPDATE allocation SET released_at = now()"
                + " WHERE job_id = :id AND released_at IS NULL")
                .setParameter("id", jobId)
                .executeUpdate();
    }

    /** The rows of {@link #SELECT_JOB}, its columns in that order. */
    private List<StoredJob> jobs(List<Object[]> rows) {
        List<StoredJob> jobs = new ArrayList<>();
        for (Object[] row : rows) {
            String jobId = NativeRows.text(row[0]);
            jobs.add(new StoredJob(jobId, JobState.valueOf(NativeRows.text(row[1])), NativeRows.text(row[2]),
                    NativeRows.text(row[3]), NativeRows.time(row[4]), NativeRows.time(row[5]), NativeRows.time(row[6]),
                    NativeRows.integer(row[7]), NativeRows.bool(row[8]), NativeRows.bool(row[9]), NativeRows.text(row[10]),
                    NativeRows.text(row[11]), specOrNull(jobId, NativeRows.text(row[12])), NativeRows.text(row[13]),
                    NativeRows.strings(row[14]), NativeRows.dbl(row[15])));
        }
        return jobs;
    }

    private static OffsetDateTime utc(OffsetDateTime time) {
        return time.withOffsetSameInstant(ZoneOffset.UTC);
    }

    /**
     * The spec as JSON text. Statements bind it as text and cast that to {@code jsonb}: a parameter typed
     * {@code jsonb} would make the client store the Java string as a JSON string value, not as an object.
     */
    private String toJson(JobSpec spec) {
        try {
            return mapper.writeValueAsString(spec);
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
