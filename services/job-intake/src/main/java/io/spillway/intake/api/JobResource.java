package io.spillway.intake.api;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.spillway.intake.auth.Audited;
import io.spillway.intake.auth.CurrentCaller;
import io.spillway.intake.config.IntakeConfig;
import io.spillway.intake.domain.Caller;
import io.spillway.intake.domain.JobRequest;
import io.spillway.intake.domain.JobRequestValidator;
import io.spillway.intake.domain.JobState;
import io.spillway.intake.domain.SubmitPolicy;
import io.spillway.intake.domain.Violation;
import io.spillway.intake.persistence.JobRecord;
import io.spillway.intake.persistence.JobRepository;
import io.spillway.intake.persistence.ProjectRepository;
import io.spillway.intake.scheduler.SchedulerClient;
import io.spillway.kit.TraceContext;
import io.spillway.kit.api.ApiError;
import io.spillway.kit.security.Roles;

/**
 * Jobs API v1: submit, list, describe, cancel GPU jobs and read their output. A project's token sees its project's
 * jobs only; another project's job is answered as not found, so its existence does not leak.
 */
@RolesAllowed({ Roles.USER, Roles.ADMIN })
@Path("/api/v1/jobs")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "bearer")
public class JobResource {

    private final JobRepository jobs;
    private final ProjectRepository projects;
    private final SchedulerClient schedulers;
    private final CurrentCaller currentCaller;
    private final SubmitPolicy policy;

    public JobResource(JobRepository jobs, ProjectRepository projects, SchedulerClient schedulers,
            CurrentCaller currentCaller, IntakeConfig config) {
        this.jobs = jobs;
        this.projects = projects;
        this.schedulers = schedulers;
        this.currentCaller = currentCaller;
        this.policy = new SubmitPolicy(config.defaultSite(), config.gpuFractionStep(), config.allowedMountRoots(),
                schedulers.sites().keySet());
    }

    @Audited("job.submit")
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a job", description = "Accepts the job and publishes JobSubmitted. The project"
            + " defaults to the token's; a name is generated when none is given. With an Idempotency-Key header, a"
            + " repeated submit returns the first job instead of creating another.")
    public Uni<Response> submit(JobRequest body, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        Caller caller = currentCaller.get();
        JobRequest request = withDefaults(body, caller);
        JobRequestValidator.Result result = JobRequestValidator.validate(request, policy);
        List<Violation> violations = new ArrayList<>(result.violations());
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 200)) {
            violations.add(new Violation("Idempotency-Key", "must be 1 to 200 characters"));
        }
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
        String project = result.spec().project();
        if (!caller.mayAccess(project)) {
            throw new ForbiddenException("the token '" + caller.tokenName() + "' belongs to project "
                    + caller.project() + " and cannot submit to project " + project);
        }
        return schedulers.shape().invoke(shape -> shape.ifPresent(cluster -> {
            List<Violation> never = cluster.neverRunnable(result.spec());
            if (!never.isEmpty()) {
                // Accepted, it would wait forever: no site has the nodes it asks for.
                throw new InvalidRequestException(never);
            }
        })).chain(() -> projects.find(project)).chain(found -> {
            if (found.isEmpty()) {
                throw new InvalidRequestException(List.of(new Violation("project", "unknown project '" + project
                        + "'; an admin creates it with POST /api/v1/projects")));
            }
            return jobs.submit(result.spec(), result.site(), idempotencyKey, caller.tokenName(),
                    TraceContext.current());
        }).map(submission -> Response
                .status(submission.created() ? Response.Status.CREATED : Response.Status.OK)
                .location(URI.create("/api/v1/jobs/" + submission.job().id()))
                .entity(submission.job())
                .build());
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Describe a job", description = "Its state, site, node and GPUs, pending reason and full"
            + " history: every lifecycle event, with preemptions and reroutes.")
    public Uni<JobRecord> describe(@PathParam("id") String id) {
        Caller caller = currentCaller.get();
        return jobs.find(id).map(job -> job.filter(j -> caller.mayAccess(j.project()))
                .orElseThrow(() -> notFound(id)));
    }

    @GET
    @Operation(summary = "List jobs", description = "Newest first, filtered by project, state and site, a page at a"
            + " time. A project's token lists its own project's jobs.")
    public Uni<JobRepository.Page> list(@QueryParam("project") String project, @QueryParam("state") String state,
            @QueryParam("site") String site, @QueryParam("limit") @DefaultValue("50") int limit,
            @QueryParam("offset") @DefaultValue("0") int offset) {
        Caller caller = currentCaller.get();
        List<Violation> violations = new ArrayList<>();
        String normalizedState = state == null ? null : state.toUpperCase(Locale.ROOT);
        if (normalizedState != null) {
            try {
                JobState.valueOf(normalizedState);
            } catch (IllegalArgumentException e) {
                violations.add(new Violation("state", "must be one of " + List.of(JobState.values())));
            }
        }
        if (limit < 1 || limit > 500) {
            violations.add(new Violation("limit", "must be between 1 and 500"));
        }
        if (offset < 0) {
            violations.add(new Violation("offset", "must not be negative"));
        }
        if (!caller.admin() && project != null && !project.equals(caller.project())) {
            violations.add(new Violation("project", "the token of project " + caller.project()
                    + " lists that project's jobs only"));
        }
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
        return jobs.list(caller.admin() ? project : caller.project(), normalizedState, site, limit, offset);
    }

    @Audited("job.cancel")
    @DELETE
    @Path("/{id}")
    @Operation(summary = "Cancel a job", description = "Publishes JobCancelled; the job's state follows. 409 when"
            + " the job has already ended.")
    public Uni<Response> cancel(@PathParam("id") String id) {
        Caller caller = currentCaller.get();
        return visibleJob(id, caller)
                .chain(job -> jobs.requestCancel(id, "cancelled by " + caller.tokenName(), caller.tokenName()))
                .map(outcome -> switch (outcome) {
                    case NOT_FOUND -> throw notFound(id);
                    case ALREADY_ENDED -> Response.status(Response.Status.CONFLICT)
                            .entity(ApiError.of(409, "job " + id + " has already ended")).build();
                    case REQUESTED -> Response.accepted().build();
                });
    }

    @GET
    @Path("/{id}/logs")
    @Produces(MediaType.TEXT_PLAIN)
    @Operation(summary = "A job's output", description = "stdout and stderr from the executor at the job's site."
            + " With follow=true the response streams new output until the job ends. 409 while the job has not"
            + " started.")
    public Multi<byte[]> logs(@PathParam("id") String id, @QueryParam("follow") @DefaultValue("false") boolean follow) {
        Caller caller = currentCaller.get();
        return visibleJob(id, caller).chain(job -> {
            JobState state = JobState.valueOf(job.state());
            if (state == JobState.SUBMITTED || state == JobState.PENDING || state == JobState.REROUTED) {
                throw conflict("job " + id + " has not started yet (" + state
                        + (job.pendingReason() == null ? "" : ": " + job.pendingReason()) + "); its output"
                        + " appears once it runs");
            }
            return schedulers.logs(job.site(), id, follow);
        }).onItem().transformToMulti(answer -> {
            if (answer instanceof SchedulerClient.LogAnswer.Stream stream) {
                return stream.body();
            }
            if (answer instanceof SchedulerClient.LogAnswer.NoOutput) {
                throw conflict("job " + id + " has no output at its site");
            }
            throw new WebApplicationException(((SchedulerClient.LogAnswer.Unreachable) answer).why(),
                    Response.Status.BAD_GATEWAY);
        });
    }

    private Uni<JobRecord> visibleJob(String id, Caller caller) {
        return jobs.findSummary(id).map(job -> job.filter(j -> caller.mayAccess(j.project()))
                .orElseThrow(() -> notFound(id)));
    }

    /** The token's project when none is named, and a generated name when none is given. */
    private static JobRequest withDefaults(JobRequest request, Caller caller) {
        if (request == null) {
            throw new InvalidRequestException(List.of(new Violation("body", "a JSON job description is required")));
        }
        String project = request.project() != null ? request.project() : caller.project();
        String name = request.name() != null ? request.name()
                : "job-" + UUID.randomUUID().toString().substring(0, 6);
        return new JobRequest(name, project, request.image(), request.command(), request.gpu(),
                request.gpuMemoryMiB(), request.cpu(), request.memoryMiB(), request.workers(), request.priority(),
                request.volumes(), request.env(), request.nodePool(), request.burstable(), request.site());
    }

    private static NotFoundException notFound(String id) {
        return new NotFoundException("no job with id " + id);
    }

    private static WebApplicationException conflict(String message) {
        return new WebApplicationException(message, Response.Status.CONFLICT);
    }
}
