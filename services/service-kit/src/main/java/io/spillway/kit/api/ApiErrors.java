package io.spillway.kit.api;

import java.util.List;
import java.util.stream.Collectors;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

/**
 * Every service answers failures the same way: a JSON {@link ApiError}, bad input naming its field, never a stack
 * trace. A service adds mappers for its own exceptions; these cover the body, JAX-RS errors and the unexpected.
 */
public class ApiErrors {

    private static final Logger LOG = Logger.getLogger(ApiErrors.class);

    @ServerExceptionMapper
    public Response unparsableJson(JsonParseException e) {
        return json(400, new ApiError(400, "the body is not valid JSON",
                List.of(new ApiError.FieldError("body", e.getOriginalMessage()))));
    }

    @ServerExceptionMapper
    public Response wrongJsonType(JsonMappingException e) {
        String field = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        return json(400, new ApiError(400, "the request is invalid",
                List.of(new ApiError.FieldError(field.isEmpty() ? "body" : field, "has the wrong type or format: "
                        + e.getOriginalMessage().split("\n")[0]))));
    }

    /** More specific than Quarkus' own mapper for this type, so the answer has the same shape as every other. */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e) {
        return wrongJsonType(e);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        // The JSON reader reports an unreadable body as a bare 400; say which part of the body is wrong.
        if (e.getCause() instanceof JsonParseException parse) {
            return unparsableJson(parse);
        }
        if (e.getCause() instanceof JsonMappingException mapping) {
            return wrongJsonType(mapping);
        }
        int status = e.getResponse().getStatus();
        if (status == 400) {
            return json(400, ApiError.invalid("body", e.getMessage() == null ? "cannot be read" : e.getMessage()));
        }
        return json(status, ApiError.of(status, e.getMessage()));
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        LOG.error("Unexpected failure serving a request", e);
        return json(500, ApiError.of(500, "internal error; the server log has the details"));
    }

    /** A JSON error response, as every service answers errors. */
    public static Response json(int status, ApiError error) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(error).build();
    }
}
