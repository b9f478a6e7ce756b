package io.spillway.storage.api;

import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.spillway.kit.api.ApiError;
import io.spillway.kit.api.ApiErrors;
import io.spillway.storage.domain.FilesystemException;

/** A refused filesystem operation answers with the status its reason calls for; the rest is the kit's. */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @ServerExceptionMapper
    public Response refused(FilesystemException e) {
        return switch (e.reason()) {
            case INVALID_NAME -> ApiErrors.json(400, ApiError.invalid("name", e.getMessage()));
            case PATH_ESCAPES_FILESYSTEM -> ApiErrors.json(400, ApiError.invalid("subpath", e.getMessage()));
            case INVALID_JOB_ID -> ApiErrors.json(400, ApiError.invalid("jobId", e.getMessage()));
            case NOT_FOUND -> ApiErrors.json(404, ApiError.of(404, e.getMessage()));
            case ALREADY_EXISTS, MOUNTED -> ApiErrors.json(409, ApiError.of(409, e.getMessage()));
            case IO_ERROR -> {
                LOG.error("Filesystem I/O failed serving a request", e);
                yield ApiErrors.json(500, ApiError.of(500, e.getMessage()));
            }
        };
    }
}
