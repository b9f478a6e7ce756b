package io.spillway.snapshot.api;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.smallrye.mutiny.Uni;
import io.spillway.kit.api.ApiError;
import io.spillway.kit.api.ApiErrors;
import io.spillway.kit.security.Roles;
import io.spillway.snapshot.api.CheckRequest.InvalidCheckRequest;
import io.spillway.snapshot.api.RepositoryCheck.StoreBusy;
import io.spillway.snapshot.domain.CheckReport;
import io.spillway.snapshot.domain.SnapshotException;

/**
 * {@code POST /api/v1/snapshots/check}: checks the snapshot repository as {@code restic check} does, with
 * {@code {"readData": true}} as {@code --read-data}. 200 with the report whether or not damage was found (its
 * {@code ok} says); 400 naming the field of a body that cannot be used; 409 when a garbage collection held the store
 * longer than {@code lease-wait}; 503 when the object store failed; 500 when the repository cannot be opened (another
 * encryption key). Synchronous: a check with data reads the whole bucket, so expect minutes for a large one.
 */
@RolesAllowed(Roles.SERVICE)
@Path("/api/v1/snapshots/check")
public class RepositoryCheckResource {

    private static final Logger LOG = Logger.getLogger(RepositoryCheckResource.class);

    private final RepositoryCheck check;

    public RepositoryCheckResource(RepositoryCheck check) {
        this.check = check;
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<CheckReport> check(String body) {
        return check.check(CheckRequest.parse(body).readData());
    }

    @ServerExceptionMapper
    public Response invalid(InvalidCheckRequest e) {
        return ApiErrors.json(400, ApiError.invalid(e.field(), e.getMessage()));
    }

    @ServerExceptionMapper
    public Response busy(StoreBusy e) {
        return ApiErrors.json(409, ApiError.of(409, "A garbage collection holds the object store; retry when it"
                + " finishes (" + e.getMessage() + ")"));
    }

    @ServerExceptionMapper
    public Response failed(SnapshotException e) {
        if (e.reason() == SnapshotException.Reason.OBJECT_STORE) {
            LOG.warnf("Repository check failed: %s", e.getMessage());
            return ApiErrors.json(503, ApiError.of(503, "The object store failed; nothing was judged damaged: "
                    + e.getMessage()));
        }
        LOG.errorf("Repository check cannot open the repository: %s: %s", e.reason(), e.getMessage());
        return ApiErrors.json(500, ApiError.of(500, e.reason() + ": " + e.getMessage()));
    }
}
