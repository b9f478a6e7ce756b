package io.spillway.intake.api;

import java.net.URI;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import io.smallrye.mutiny.Uni;
import io.spillway.intake.auth.Audited;
import io.spillway.intake.auth.CurrentCaller;
import io.spillway.intake.domain.Caller;
import io.spillway.intake.domain.Project;
import io.spillway.intake.domain.ProjectRules;
import io.spillway.intake.domain.Violation;
import io.spillway.intake.persistence.ProjectRepository;
import io.spillway.kit.api.ApiError;
import io.spillway.kit.security.Roles;
import io.spillway.schemas.PoolShare;

/** Projects and their GPU shares: admins manage them; a project's token may read its own. */
@RolesAllowed({ Roles.USER, Roles.ADMIN })
@Path("/api/v1/projects")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "bearer")
public class ProjectResource {

    private final ProjectRepository projects;
    private final CurrentCaller currentCaller;

    public ProjectResource(ProjectRepository projects, CurrentCaller currentCaller) {
        this.projects = projects;
        this.currentCaller = currentCaller;
    }

    /** A project as an admin writes it; absent shares take their defaults (0 deserved, weight 1, no limit). */
    public record ProjectRequest(String name, Double deservedGpus, Double overQuotaWeight, Double limitGpus,
            String department, Map<String, PoolShare> pools) {
    }

    @GET
    @Operation(summary = "List projects", description = "Every project for an admin; a project's token sees its own.")
    public Uni<List<Project>> list() {
        Caller caller = currentCaller.get();
        return projects.list().map(all -> all.stream().filter(p -> caller.mayAccess(p.name())).toList());
    }

    @GET
    @Path("/{name}")
    @Operation(summary = "Describe a project")
    public Uni<Project> get(@PathParam("name") String name) {
        Caller caller = currentCaller.get();
        if (!caller.mayAccess(name)) {
            throw notFound(name);
        }
        return projects.find(name).map(project -> project.orElseThrow(() -> notFound(name)));
    }

    @Audited("project.create")
    @RolesAllowed(Roles.ADMIN)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a project (admin)", description = "409 when it exists.")
    public Uni<Response> create(ProjectRequest request) {
        Project project = checked(request, request == null ? null : request.name());
        return projects.create(project).map(created -> {
            if (!created) {
                return Response.status(Response.Status.CONFLICT)
                        .entity(ApiError.of(409, "project " + project.name() + " already exists")).build();
            }
            return Response.created(URI.create("/api/v1/projects/" + project.name())).entity(project).build();
        });
    }

    @Audited("project.update")
    @RolesAllowed(Roles.ADMIN)
    @PUT
    @Path("/{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change a project's shares (admin)")
    public Uni<Project> update(@PathParam("name") String name, ProjectRequest request) {
        if (request != null && request.name() != null && !request.name().equals(name)) {
            throw new InvalidRequestException(List.of(new Violation("name", "a project cannot be renamed")));
        }
        Project project = checked(request, name);
        return projects.update(project).map(updated -> updated.orElseThrow(() -> notFound(name)));
    }

    @Audited("project.delete")
    @RolesAllowed(Roles.ADMIN)
    @DELETE
    @Path("/{name}")
    @Operation(summary = "Delete a project and its tokens (admin)", description = "409 while it has jobs that have"
            + " not ended.")
    public Uni<Response> delete(@PathParam("name") String name) {
        return projects.delete(name).map(outcome -> switch (outcome) {
            case DELETED -> Response.noContent().build();
            case NOT_FOUND -> throw notFound(name);
            case HAS_ACTIVE_JOBS -> Response.status(Response.Status.CONFLICT).entity(ApiError.of(409, "project "
                    + name + " still has jobs that have not ended; cancel them first")).build();
        });
    }

    private static Project checked(ProjectRequest request, String name) {
        if (request == null) {
            throw new InvalidRequestException(List.of(new Violation("body", "a JSON project description is"
                    + " required")));
        }
        List<Violation> violations = new java.util.ArrayList<>(ProjectRules.check(name, request.deservedGpus(),
                request.overQuotaWeight(), request.limitGpus(), request.department()));
        violations.addAll(ProjectRules.checkPools(request.pools()));
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
        return new Project(name, request.deservedGpus() == null ? 0 : request.deservedGpus(),
                request.overQuotaWeight() == null ? 1 : request.overQuotaWeight(), request.limitGpus(),
                request.department() == null || request.department().isEmpty() ? null : request.department(), null,
                request.pools());
    }

    private static NotFoundException notFound(String name) {
        return new NotFoundException("no project named " + name);
    }
}
