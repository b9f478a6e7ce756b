package io.spillway.snapshot.retention;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.smallrye.mutiny.Uni;
import io.spillway.kit.api.ApiError;
import io.spillway.kit.security.Roles;

/**
 * {@code POST /api/v1/snapshots/gc}: a garbage collection now. 200 with what it deleted, or 409 when snapshots or
 * restores hold the store (retry later; nothing was deleted). Safe to call at any time: it deletes only chunks no
 * manifest names.
 */
@RolesAllowed(Roles.SERVICE)
@Path("/api/v1/snapshots/gc")
public class GarbageCollectionResource {

    private final GarbageCollection garbageCollection;

    public GarbageCollectionResource(GarbageCollection garbageCollection) {
        this.garbageCollection = garbageCollection;
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> collect() {
        return garbageCollection.collectNow().map(result -> result
                .map(done -> Response.ok(done).build())
                .orElseGet(() -> Response.status(Response.Status.CONFLICT).entity(ApiError.of(409,
                        "The object store is leased by running snapshots, restores or another collection; retry"
                                + " when they finish"))
                        .build()));
    }
}
