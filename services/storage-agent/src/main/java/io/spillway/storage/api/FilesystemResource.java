package io.spillway.storage.api;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.spillway.kit.security.Roles;
import io.spillway.storage.domain.DeletionRule;
import io.spillway.storage.domain.FilesystemException;
import io.spillway.storage.domain.FilesystemException.Reason;
import io.spillway.storage.domain.FilesystemName;
import io.spillway.storage.domain.FilesystemPlanner;
import io.spillway.storage.persistence.FilesystemCatalogue;
import io.spillway.storage.persistence.FilesystemCatalogue.Entry;
import io.spillway.storage.posix.PosixFilesystems;
import io.spillway.storage.posix.PosixFilesystems.Usage;

/** The site's filesystems, as operators and the CLI see them: create, list with usage, delete when unmounted. */
@jakarta.annotation.security.RolesAllowed(Roles.SERVICE)
@jakarta.ws.rs.Path("/api/v1/filesystems")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class FilesystemResource {

    private final FilesystemCatalogue catalogue;
    private final PosixFilesystems filesystems;
    private final FilesystemPlanner planner;

    public FilesystemResource(FilesystemCatalogue catalogue, PosixFilesystems filesystems,
            FilesystemPlanner planner) {
        this.catalogue = catalogue;
        this.filesystems = filesystems;
        this.planner = planner;
    }

    @POST
    public Uni<Response> create(CreateFilesystem request) {
        FilesystemName name = FilesystemName.of(request == null ? null : request.name());
        Path directory = planner.layout().directoryOf(name);
        // The directory first: creating it is idempotent, so a failed insert leaves nothing half-made.
        return onWorker(() -> filesystems.ensureDirectory(directory))
                .chain(created -> catalogue.create(name.value(), created, "api-" + UUID.randomUUID()))
                .chain(inserted -> {
                    if (!inserted) {
                        throw new FilesystemException(Reason.ALREADY_EXISTS, "Filesystem '" + name
                                + "' exists already");
                    }
                    return get(name.value());
                })
                .map(view -> Response.status(Response.Status.CREATED)
                        .location(java.net.URI.create("/api/v1/filesystems/" + name)).entity(view).build());
    }

    @GET
    public Uni<List<FilesystemView>> list() {
        return catalogue.list()
                // Measuring walks the directory tree: off the event loop.
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(entries -> entries.stream().map(this::view).toList());
    }

    @GET
    @jakarta.ws.rs.Path("/{name}")
    public Uni<FilesystemView> get(@PathParam("name") String name) {
        return catalogue.find(name)
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(found -> view(found.orElseThrow(() -> notFound(name))));
    }

    @DELETE
    @jakarta.ws.rs.Path("/{name}")
    public Uni<Response> delete(@PathParam("name") String name) {
        return catalogue.deleteUnlessMounted(name, filesystems::removeTree)
                .map(mountedBy -> {
                    int jobs = mountedBy.orElseThrow(() -> notFound(name));
                    DeletionRule.check(FilesystemName.of(name), jobs);
                    return Response.noContent().build();
                });
    }

    static FilesystemException notFound(String name) {
        return new FilesystemException(Reason.NOT_FOUND, "No filesystem '" + name + "' at this site");
    }

    private FilesystemView view(Entry entry) {
        Usage usage = filesystems.usage(entry.path());
        return new FilesystemView(entry.name(), entry.path().toString(), usage.bytes(), usage.files(),
                entry.mountedBy(), entry.createdAt());
    }

    private static <T> Uni<T> onWorker(java.util.function.Supplier<T> work) {
        return Uni.createFrom().item(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /** What {@code POST /api/v1/filesystems} takes. */
    public record CreateFilesystem(String name) {
    }

    /**
     * One filesystem: its name, its directory, the bytes and regular files it holds (measured on each request) and
     * how many jobs hold a mount of it.
     */
    public record FilesystemView(String name, String path, long bytesUsed, long files, int mountedBy,
            OffsetDateTime createdAt) {
    }
}
