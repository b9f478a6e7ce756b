package io.spillway.intake.api;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import io.smallrye.mutiny.Uni;
import io.spillway.intake.config.IntakeConfig;
import io.spillway.intake.domain.Violation;
import io.spillway.intake.snapshots.SnapshotWorkerClient;
import io.spillway.kit.api.ApiError;
import io.spillway.kit.api.ApiErrors;
import io.spillway.kit.security.Roles;

/**
 * {@code spillway snapshot check}: the snapshot repository verified the way {@code restic check --read-data} does, by
 * a site's snapshot-worker, which reads the object store; its report names whatever is damaged.
 */
@RolesAllowed(Roles.ADMIN)
@Path("/api/v1/snapshots/check")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "bearer")
public class RepositoryCheckResource {

    private final SnapshotWorkerClient workers;
    private final String defaultSite;

    public RepositoryCheckResource(SnapshotWorkerClient workers, IntakeConfig config) {
        this.workers = workers;
        this.defaultSite = config.defaultSite();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Check the snapshot repository (admin)", description = "Body {\"readData\": true} reads"
            + " every pack and hashes every chunk; false (or no body) checks that every pack the index names exists"
            + " and every snapshot's chunks are indexed. 200 with the report either way: 'ok' says whether"
            + " anything is damaged, 'problems' names each damaged pack, chunk, snapshot and file.")
    public Uni<Response> check(@QueryParam("site") String site, byte[] body) {
        String where = site == null || site.isBlank() ? defaultSite : site.trim();
        return workers.check(where, body).orElseThrow(() -> new InvalidRequestException(List.of(new Violation(
                "site", "no snapshot-worker is configured for site '" + where + "' (spillway.intake.sites." + where
                        + ".snapshot-worker-url)"))))
                .map(answer -> Response.status(answer.status()).type(MediaType.APPLICATION_JSON_TYPE)
                        .entity(answer.body()).build())
                .onFailure().recoverWithItem(failure -> ApiErrors.json(502, ApiError.of(502, "the snapshot-worker of"
                        + " site " + where + " did not answer: " + failure.getMessage())));
    }
}
