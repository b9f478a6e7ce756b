package io.spillway.intake.api;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
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

import io.smallrye.mutiny.Uni;
import io.spillway.intake.auth.Audited;
import io.spillway.intake.auth.CurrentCaller;
import io.spillway.intake.domain.Caller;
import io.spillway.intake.domain.RestoreState;
import io.spillway.intake.domain.SnapshotRequests;
import io.spillway.intake.domain.SnapshotState;
import io.spillway.intake.domain.Violation;
import io.spillway.intake.persistence.RestoreRecord;
import io.spillway.intake.persistence.SnapshotRecord;
import io.spillway.intake.persistence.SnapshotRepository;
import io.spillway.intake.scheduler.SchedulerClient;
import io.spillway.kit.TraceContext;
import io.spillway.kit.security.Roles;

/**
 * Restores API v1: write a snapshot back at a site (another one, to burst, or the same one, to recover) and follow
 * it. Any token may look; only an admin token may restore, since a restore writes a whole filesystem.
 */
@RolesAllowed({ Roles.USER, Roles.ADMIN })
@Path("/api/v1/restores")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "bearer")
public class RestoreResource {

    private final SnapshotRepository snapshots;
    private final CurrentCaller currentCaller;
    private final Set<String> sites;

    public RestoreResource(SnapshotRepository snapshots, CurrentCaller currentCaller, SchedulerClient schedulers) {
        this.snapshots = snapshots;
        this.currentCaller = currentCaller;
        this.sites = schedulers.sites().keySet();
    }

    /** The body of {@code POST /api/v1/restores}: a snapshot by id, or the locator of a manifest. */
    public record CreateRestore(String snapshotId, String locator, String site, String filesystem,
            List<String> priorityPaths) {
    }

    @Audited("restore.create")
    @RolesAllowed(Roles.ADMIN)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Restore a snapshot", description = "Admin only. Give snapshotId (an UPLOADED snapshot) or"
            + " the locator of a manifest, and the site to write it at; filesystem defaults to the snapshot's and is"
            + " required with a locator. priorityPaths (relative to the filesystem) are brought online first."
            + " Publishes RestoreRequested and answers 202 with the restore; 404 for an unknown snapshot, 409 for one"
            + " that is not UPLOADED.")
    public Uni<Response> create(CreateRestore body) {
        Caller caller = currentCaller.get();
        if (body == null) {
            throw new InvalidRequestException(List.of(new Violation("body", "a JSON object with snapshotId (or"
                    + " locator) and site is required")));
        }
        List<String> priorityPaths = body.priorityPaths() == null ? List.of() : body.priorityPaths();
        List<Violation> violations = SnapshotRequests.validate(new SnapshotRequests.RestoreRequest(body.snapshotId(),
                body.locator(), body.site(), body.filesystem(), priorityPaths), sites);
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
        Uni<SnapshotRecord> source = body.snapshotId() == null || body.snapshotId().isBlank()
                ? Uni.createFrom().nullItem()
                : snapshots.findSnapshot(body.snapshotId()).map(found -> {
                    SnapshotRecord snapshot = found.orElseThrow(() -> SnapshotResource.notFound(body.snapshotId()));
                    if (!SnapshotState.UPLOADED.name().equals(snapshot.state())) {
                        throw new WebApplicationException("snapshot " + snapshot.id() + " is " + snapshot.state()
                                + "; only an UPLOADED snapshot can be restored", Response.Status.CONFLICT);
                    }
                    return snapshot;
                });
        return source.chain(snapshot -> {
            String filesystem = body.filesystem() != null ? body.filesystem() : snapshot.filesystem();
            String locator = snapshot != null ? snapshot.locator() : body.locator();
            return snapshots.requestRestore(snapshot == null ? null : snapshot.id(), locator, body.site(), filesystem,
                    priorityPaths, caller.tokenName(), TraceContext.current());
        }).map(restore -> Response.accepted(restore).location(URI.create("/api/v1/restores/" + restore.id())).build());
    }

    @GET
    @Operation(summary = "List restores", description = "Newest first, filtered by site, filesystem, snapshotId and"
            + " state (REQUESTED, RUNNING, RESTORED, FAILED), a page at a time. Restores of a burst are listed too.")
    public Uni<SnapshotRepository.RestorePage> list(@QueryParam("site") String site,
            @QueryParam("filesystem") String filesystem, @QueryParam("snapshotId") String snapshotId,
            @QueryParam("state") String state, @QueryParam("limit") @DefaultValue("50") int limit,
            @QueryParam("offset") @DefaultValue("0") int offset) {
        currentCaller.get();
        List<Violation> violations = new ArrayList<>();
        String normalizedState = SnapshotResource.Paging.state(state, RestoreState.values(), violations);
        SnapshotResource.Paging.check(limit, offset, violations);
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
        return snapshots.listRestores(site, filesystem, normalizedState, snapshotId, limit, offset);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Describe a restore", description = "Its state, progress while it runs, files, bytes and"
            + " duration once RESTORED, and the reason when FAILED.")
    public Uni<RestoreRecord> describe(@PathParam("id") String id) {
        currentCaller.get();
        return snapshots.findRestore(id)
                .map(found -> found.orElseThrow(() -> new NotFoundException("no restore with id " + id)));
    }
}
