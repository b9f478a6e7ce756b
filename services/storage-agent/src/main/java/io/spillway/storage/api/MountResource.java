package io.spillway.storage.api;

import java.util.Optional;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.spillway.kit.security.Roles;
import io.spillway.storage.domain.FilesystemException;
import io.spillway.storage.domain.FilesystemException.Reason;
import io.spillway.storage.domain.FilesystemName;
import io.spillway.storage.domain.MountPlanner;
import io.spillway.storage.domain.MountPlanner.Mount;
import io.spillway.storage.persistence.FilesystemCatalogue;
import io.spillway.storage.persistence.MountCatalogue;

/**
 * The mounts handed to jobs. An executor asks here before it starts a job with a volume and releases the mount when
 * the job ends; a filesystem with mounts cannot be deleted.
 */
@RolesAllowed(Roles.SERVICE)
@Path("/api/v1/filesystems/{name}/mounts")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class MountResource {

    private final FilesystemCatalogue filesystems;
    private final MountCatalogue mounts;
    private final MountPlanner planner;

    public MountResource(FilesystemCatalogue filesystems, MountCatalogue mounts, MountPlanner planner) {
        this.filesystems = filesystems;
        this.mounts = mounts;
        this.planner = planner;
    }

    @POST
    public Uni<Response> mount(@PathParam("name") String name, MountRequest request) {
        MountRequest body = request == null ? new MountRequest(null, null, null) : request;
        return filesystems.find(name)
                // Resolving the sub-path follows symlinks on disk: off the event loop.
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(found -> {
                    if (found.isEmpty()) {
                        throw FilesystemResource.notFound(name);
                    }
                    return planner.plan(FilesystemName.of(name), body.jobId(), body.subpath(),
                            Boolean.TRUE.equals(body.readOnly()));
                })
                .chain(mount -> mounts.record(mount).map(recorded -> {
                    if (!recorded) {
                        throw FilesystemResource.notFound(name);
                    }
                    return Response.status(Response.Status.CREATED).entity(MountView.of(mount)).build();
                }));
    }

    @DELETE
    @Path("/{jobId}")
    public Uni<Response> release(@PathParam("name") String name, @PathParam("jobId") String jobId) {
        return mounts.release(name, jobId).map(released -> {
            if (!released) {
                throw new FilesystemException(Reason.NOT_FOUND, "Job '" + jobId + "' holds no mount of filesystem '"
                        + name + "'");
            }
            return Response.noContent().build();
        });
    }

    /** A job's volume: the sub-path of the filesystem it mounts, and whether read-only. */
    public record MountRequest(String jobId, String subpath, Boolean readOnly) {
    }

    /**
     * What an executor mounts: {@code hostPath} for the local executor; for Kubernetes, {@code claimName} (its
     * storage class, null for the cluster default) with {@code subpath} as the volume mount's subPath.
     */
    public record MountView(String filesystem, String jobId, String subpath, boolean readOnly, String hostPath,
            String claimName, String storageClass) {

        static MountView of(Mount mount) {
            Optional<String> storageClass = mount.storageClass();
            return new MountView(mount.filesystem().value(), mount.jobId(), mount.subPath(), mount.readOnly(),
                    mount.hostPath().toString(), mount.claimName(), storageClass.orElse(null));
        }
    }
}
