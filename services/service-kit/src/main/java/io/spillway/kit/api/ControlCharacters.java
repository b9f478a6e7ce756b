package io.spillway.kit.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * No id, name or filter in a path or query holds a control character: none is ever valid, and a NUL would reach
 * PostgreSQL, which cannot store it and fails the whole request. Refused here, naming the parameter.
 */
public class ControlCharacters {

    @ServerRequestFilter
    public Response refuseControlCharactersInParameters(ContainerRequestContext request) {
        List<ApiError.FieldError> violations = new ArrayList<>();
        check(request.getUriInfo().getPathParameters(), violations);
        check(request.getUriInfo().getQueryParameters(), violations);
        if (violations.isEmpty()) {
            return null;
        }
        return ApiErrors.json(400, new ApiError(400, "the request is invalid", violations));
    }

    private static void check(MultivaluedMap<String, String> parameters, List<ApiError.FieldError> violations) {
        for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
            for (String value : parameter.getValue()) {
                if (value != null && value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                    violations.add(new ApiError.FieldError(parameter.getKey(), "must not hold control characters"));
                    break;
                }
            }
        }
    }
}
