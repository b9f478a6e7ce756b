package io.spillway.intake.api;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
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
import io.spillway.intake.domain.Caller;
import io.spillway.intake.domain.SnapshotRequests;
import io.spillway.intake.domain.SnapshotState;
import io.spillway.intake.domain.Violation;
import io.spillway.intake.persistence.SnapshotRecord;
import io.spillway.intake.persistence.SnapshotRepository;
import io.spillway.intake.scheduler.SchedulerClient;
import io.spillway.kit.TraceContext;
import io.spillway.kit.api.ApiError;
import io.spillway.kit.security.Roles;

/**
 * Snapshots API v1: snapshot a site's filesystem to the object store, follow it, delete it. Any token may look;
 * only an admin token may take or delete a snapshot, since a snapshot reads every project's files.
 */
@RolesAllowed({ Roles.USER, Roles.ADMIN })
@Path("/api/v1/snapshots")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "bearer")
public class SnapshotResource {

    private final SnapshotRepository snapshots;
    private final CurrentCaller currentCaller;
    private final Set<String> sites;

    public SnapshotResource(SnapshotRepository snapshots, CurrentCaller currentCaller, SchedulerClient schedulers) {
        this.snapshots = snapshots;
        this.currentCaller = currentCaller;
        this.sites = schedulers.sites().keySet();
    }

    /** The body of {@code POST /api/v1/snapshots}. */
    public record CreateSnapshot(String site, String filesystem, String path) {
    }

    @Audited("snapshot.create")
    @RolesAllowed(Roles.ADMIN)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Take a snapshot", description = "Admin only. Records the snapshot as REQUESTED and publishes"
            + " SnapshotRequested; snapshot-worker takes it and uploads it to the object store. The site must be a"
            + " configured site (spillway.intake.sites.<site>); path, relative to the filesystem, limits the snapshot"
            + " to a subtree.")
    public Uni<Response> create(CreateSnapshot body) {
        Caller caller = currentCaller.get();
        if (body == null) {
            throw new InvalidRequestException(List.of(new Violation("body", "a JSON object with site and filesystem"
                    + " is required")));
        }
        String path = body.path() == null || body.path().isBlank() ? null : body.path().replaceAll("/+$", "");
        List<Violation> violations = SnapshotRequests.validate(
                new SnapshotRequests.SnapshotRequest(body.site(), body.filesystem(), path), sites);
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
        return snapshots.requestSnapshot(body.site(), body.filesystem(), path, caller.tokenName(),
                TraceContext.current())
                .map(snapshot -> Response.accepted(snapshot).location(URI.create("/api/v1/snapshots/" + snapshot.id()))
                        .build());
    }

    @GET
    @Operation(summary = "List snapshots", description = "Newest first, filtered by site, filesystem and state"
            + " (REQUESTED, RUNNING, UPLOADED, FAILED, DELETED), a page at a time. Snapshots the burst coordinator or"
            + " retention asked for are listed too.")
    public Uni<SnapshotRepository.SnapshotPage> list(@QueryParam("site") String site,
            @QueryParam("filesystem") String filesystem, @QueryParam("state") String state,
            @QueryParam("limit") @DefaultValue("50") int limit, @QueryParam("offset") @DefaultValue("0") int offset) {
        currentCaller.get();
        List<Violation> violations = new ArrayList<>();
        String normalizedState = Paging.state(state, SnapshotState.values(), violations);
        Paging.check(limit, offset, violations);
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
        return snapshots.listSnapshots(site, filesystem, normalizedState, limit, offset);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Describe a snapshot", description = "Its state, locator, files and bytes, what the upload"
            + " read and sent (bytesScanned, bytesUploaded, chunksNew, chunksReused), its duration, its progress while"
            + " it runs and the reason it failed.")
    public Uni<SnapshotRecord> describe(@PathParam("id") String id) {
        currentCaller.get();
        return snapshots.findSnapshot(id).map(found -> found.orElseThrow(() -> notFound(id)));
    }

    @Audited("snapshot.delete")
    @RolesAllowed(Roles.ADMIN)
    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete a snapshot", description = "Admin only. Publishes SnapshotDeleteRequested;"
            + " snapshot-worker deletes the manifest, and the state becomes DELETED on SnapshotDeleted. 409 unless the"
            + " snapshot is UPLOADED.")
    public Uni<Response> delete(@PathParam("id") String id) {
        Caller caller = currentCaller.get();
        return snapshots.requestDelete(id, "asked by " + caller.tokenName()).map(outcome -> switch (outcome) {
            case NOT_FOUND -> throw notFound(id);
            case NOT_UPLOADED -> Response.status(Response.Status.CONFLICT)
                    .entity(ApiError.of(409, "snapshot " + id + " is not UPLOADED; only an uploaded snapshot can be"
                            + " deleted"))
                    .build();
            case REQUESTED -> Response.accepted().build();
        });
    }

    static NotFoundException notFound(String id) {
        return new NotFoundException("no snapshot with id " + id);
    }

    /** The checks every listing shares. */
    static final class Paging {

        private Paging() {
        }

        static <E extends Enum<E>> String state(String state, E[] states, List<Violation> violations) {
            if (state == null) {
                return null;
            }
            String normalized = state.toUpperCase(Locale.ROOT);
            if (java.util.Arrays.stream(states).noneMatch(s -> s.name().equals(normalized))) {
                violations.add(new Violation("state", "must be one of " + List.of(states)));
            }
            return normalized;
        }

        static void check(int limit, int offset, List<Violation> violations) {
            if (limit < 1 || limit > 500) {
                violations.add(new Violation("limit", "must be between 1 and 500"));
            }
            if (offset < 0) {
                violations.add(new Violation("offset", "must not be negative"));
            }
        }
    }
}
