package io.spillway.intake.api;

import java.net.URI;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import io.smallrye.mutiny.Uni;
import io.spillway.intake.auth.Audited;
import io.spillway.intake.auth.CurrentCaller;
import io.spillway.intake.domain.Violation;
import io.spillway.intake.domain.VolumeSyntax;
import io.spillway.intake.persistence.ProjectRepository;
import io.spillway.intake.persistence.TokenRepository;
import io.spillway.kit.security.Roles;

/** API tokens (admin): a token for a project, or an admin token when no project is named. */
@RolesAllowed({ Roles.USER, Roles.ADMIN })
@Path("/api/v1/tokens")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "bearer")
public class TokenResource {

    private final TokenRepository tokens;
    private final ProjectRepository projects;
    private final CurrentCaller currentCaller;

    public TokenResource(TokenRepository tokens, ProjectRepository projects, CurrentCaller currentCaller) {
        this.tokens = tokens;
        this.projects = projects;
        this.currentCaller = currentCaller;
    }

    public record TokenRequest(String name, String project) {
    }

    @Audited("token.create")
    @RolesAllowed(Roles.ADMIN)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a token (admin)", description = "The answer carries the secret, shown this once;"
            + " only its SHA-256 is stored.")
    public Uni<Response> create(TokenRequest request) {
        if (request == null || request.name() == null || request.name().isBlank() || request.name().length() > 100) {
            throw new InvalidRequestException(List.of(new Violation("name", "is required, at most 100 characters")));
        }
        String project = request.project();
        if (project == null) {
            return tokens.create(request.name(), null).map(TokenResource::created);
        }
        if (!VolumeSyntax.isDns1123Label(project)) {
            throw new InvalidRequestException(List.of(new Violation("project", "must be a DNS-1123 label")));
        }
        return projects.find(project).chain(found -> {
            if (found.isEmpty()) {
                throw new InvalidRequestException(List.of(new Violation("project", "unknown project '" + project
                        + "'")));
            }
            return tokens.create(request.name(), project);
        }).map(TokenResource::created);
    }

    @RolesAllowed(Roles.ADMIN)
    @GET
    @Operation(summary = "List tokens (admin)", description = "Never their secrets.")
    public Uni<List<TokenRepository.TokenView>> list(@QueryParam("project") String project) {
        return tokens.list(project);
    }

    @Audited("token.revoke")
    @RolesAllowed(Roles.ADMIN)
    @DELETE
    @Path("/{id}")
    @Operation(summary = "Revoke a token (admin)")
    public Uni<Response> revoke(@PathParam("id") String id) {
        return tokens.revoke(id).map(found -> {
            if (!found) {
                throw new NotFoundException("no token with id " + id);
            }
            return Response.noContent().build();
        });
    }

    private static Response created(TokenRepository.CreatedToken token) {
        return Response.created(URI.create("/api/v1/tokens/" + token.id())).entity(token).build();
    }
}
