package io.spillway.kit.api;

import java.util.List;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * A {@code Content-Type} or {@code Accept} that is not a media type at all ({@code garbage}) is the caller's mistake:
 * refused here, naming the header, before the framework's own parsing fails on it as an internal error.
 */
public class MediaTypeHeaders {

    @ServerRequestFilter(preMatching = true)
    public Response refuseUnparsableMediaTypes(ContainerRequestContext request) {
        String contentType = request.getHeaderString(HttpHeaders.CONTENT_TYPE);
        if (contentType != null && !parses(contentType)) {
            return ApiErrors.json(415, new ApiError(415, "the body's media type cannot be read",
                    List.of(new ApiError.FieldError("Content-Type", "is not a media type such as application/json"))));
        }
        String accept = request.getHeaderString(HttpHeaders.ACCEPT);
        if (accept != null && !accept.isBlank()) {
            for (String each : accept.split(",")) {
                if (!each.isBlank() && !parses(each.trim())) {
                    return ApiErrors.json(406, new ApiError(406, "the accepted media types cannot be read",
                            List.of(new ApiError.FieldError("Accept", "is not a list of media types such as"
                                    + " application/json"))));
                }
            }
        }
        return null;
    }

    private static boolean parses(String value) {
        try {
            MediaType.valueOf(value);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
