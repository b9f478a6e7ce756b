package io.spillway.intake.api;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;

import io.smallrye.mutiny.Uni;
import io.spillway.intake.domain.JobRequest;
import io.spillway.intake.domain.JobRequestValidator;
import io.spillway.intake.domain.JobState;
import io.spillway.intake.domain.Violation;
import io.spillway.intake.persistence.JobRecord;
import io.spillway.intake.persistence.JobRepository;
import io.spillway.kit.TraceContext;

/** Jobs API v1: submit, list, describe and cancel GPU jobs. */
@Path("/api/v1/jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobResource {

    private final JobRepository jobs;
    private final String defaultSite;

    public JobResource(JobRepository jobs,
            @ConfigProperty(name = "spillway.intake.default-site", defaultValue = "onprem") String defaultSite) {
        this.jobs = jobs;
        this.defaultSite = defaultSite;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a job", description = "Accepts the job and publishes JobSubmitted. With an"
            + " Idempotency-Key header, a repeated submit returns the first job instead of creating another.")
    public Uni<Response> submit(JobRequest request, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        JobRequestValidator.Result result = JobRequestValidator.validate(request, defaultSite);
        if (!result.valid()) {
            throw new InvalidRequestException(result.violations());
        }
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 200)) {
            throw new InvalidRequestException(List.of(new Violation("Idempotency-Key",
                    "must be 1 to 200 characters")));
        }
        return jobs.submit(result.spec(), result.site(), idempotencyKey, null, TraceContext.current())
                .map(submission -> Response
                        .status(submission.created() ? Response.Status.CREATED : Response.Status.OK)
                        .location(URI.create("/api/v1/jobs/" + submission.job().id()))
                        .entity(submission.job())
                        .build());
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Describe a job", description = "Its state, placement, pending reason and full history.")
    public Uni<JobRecord> describe(@PathParam("id") String id) {
        return jobs.find(id).map(job -> job.orElseThrow(() -> new NotFoundException("no job with id " + id)));
    }

    @GET
    @Operation(summary = "List jobs", description = "Newest first, filtered by project, state and site.")
    public Uni<List<JobRecord>> list(@QueryParam("project") String project, @QueryParam("state") String state,
            @QueryParam("site") String site, @QueryParam("limit") @DefaultValue("50") int limit,
            @QueryParam("offset") @DefaultValue("0") int offset) {
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
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
        return jobs.list(project, normalizedState, site, limit, offset);
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Cancel a job", description = "Publishes JobCancelled; the job's state follows.")
    public Uni<Response> cancel(@PathParam("id") String id) {
        return jobs.requestCancel(id, "cancelled by user", null).map(outcome -> {
            if (outcome.isEmpty()) {
                throw new NotFoundException("no job with id " + id);
            }
            if (!outcome.get()) {
                return Response.status(Response.Status.CONFLICT)
                        .entity(ApiError.of(409, "job " + id + " has already ended")).build();
            }
            return Response.accepted().build();
        });
    }
}
