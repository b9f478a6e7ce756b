package io.spillway.storage.api;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.spillway.storage.persistence.FilesystemCatalogue;
import io.spillway.storage.storage.PosixFilesystems;

/** The site's filesystems, as operators and the CLI see them. */
@Path("/api/v1/filesystems")
@Produces(MediaType.APPLICATION_JSON)
public class FilesystemResource {

    private final FilesystemCatalogue catalogue;
    private final PosixFilesystems filesystems;

    public FilesystemResource(FilesystemCatalogue catalogue, PosixFilesystems filesystems) {
        this.catalogue = catalogue;
        this.filesystems = filesystems;
    }

    @GET
    public Uni<List<FilesystemView>> list() {
        return catalogue.list()
                // Measuring walks the directory tree: off the event loop.
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(entries -> entries.stream()
                        .map(entry -> new FilesystemView(entry.name(), entry.path().toString(),
                                filesystems.bytesUsed(entry.path())))
                        .toList());
    }

    /** One filesystem: its name, its directory and the bytes its files hold. */
    public record FilesystemView(String name, String path, long bytesUsed) {
    }
}
