package io.spillway.burst.api;

import java.util.List;
import java.util.Optional;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.smallrye.mutiny.Uni;
import io.spillway.burst.persistence.BurstStore;
import io.spillway.kit.api.ApiError;
import io.spillway.kit.api.ApiErrors;
import io.spillway.kit.security.Roles;

/** The bursts, as operators and the CLI see them: phase, sites, jobs, transfers and totals. */
@RolesAllowed(Roles.SERVICE)
@Path("/api/v1/bursts")
@Produces(MediaType.APPLICATION_JSON)
public class BurstResource {

    private final BurstStore bursts;

    public BurstResource(BurstStore bursts) {
        this.bursts = bursts;
    }

    /** Every burst, newest first; {@code ?site=} keeps those of one home site. */
    @GET
    public Uni<List<BurstView>> list(@QueryParam("site") String site) {
        return bursts.list(Optional.ofNullable(site).filter(s -> !s.isBlank()))
                .map(all -> all.stream().map(BurstView::of).toList());
    }

    /** One burst, or 404 naming the id. */
    @GET
    @Path("/{id}")
    public Uni<Response> get(@PathParam("id") String burstId) {
        return bursts.find(burstId).map(found -> found
                .map(burst -> Response.ok(BurstView.of(burst)).build())
                .orElseGet(() -> ApiErrors.json(404, ApiError.of(404, "no burst " + burstId))));
    }
}
