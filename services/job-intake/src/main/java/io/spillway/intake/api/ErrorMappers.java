package io.spillway.intake.api;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.spillway.kit.api.ApiError;
import io.spillway.kit.api.ApiErrors;

/** Invalid job requests answer 400 naming each field; every other failure is the kit's {@link ApiErrors}. */
public class ErrorMappers {

    @ServerExceptionMapper
    public Response invalidRequest(InvalidRequestException e) {
        return ApiErrors.json(400, new ApiError(400, "the request is invalid", e.violations().stream()
                .map(violation -> new ApiError.FieldError(violation.field(), violation.message())).toList()));
    }
}
