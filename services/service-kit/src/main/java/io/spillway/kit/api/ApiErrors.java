package io.spillway.kit.api;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.UnauthorizedException;
import io.spillway.kit.security.Roles;

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
        if (status == 415) {
            return json(415, new ApiError(415, "the body's media type is not one this endpoint takes",
                    List.of(new ApiError.FieldError("Content-Type", "is not a type this endpoint takes; send the"
                            + " one its API documents (application/json for most)"))));
        }
        if (status == 406) {
            return json(406, new ApiError(406, "the endpoint cannot answer in an accepted media type",
                    List.of(new ApiError.FieldError("Accept", "names no type this endpoint answers in; accept"
                            + " application/json"))));
        }
        if (status == 400) {
            return json(400, ApiError.invalid("body", e.getMessage() == null ? "cannot be read" : e.getMessage()));
        }
        return json(status, ApiError.of(status, e.getMessage()));
    }

    /** No token: {@code @RolesAllowed} found an anonymous caller. */
    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return challenge("missing bearer token: send 'Authorization: Bearer <token>' (the local stack writes its"
                + " tokens to .spillway/credentials)");
    }

    /** A token no identity provider knows: never issued, or revoked. */
    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e) {
        return challenge("the bearer token is unknown or revoked");
    }

    /** A known token without a role the endpoint allows; the message says which token would do. */
    @ServerExceptionMapper
    public Response forbidden(io.quarkus.security.ForbiddenException e, SimpleResourceInfo resource) {
        Set<String> allowed = allowedRoles(resource);
        String needs;
        if (allowed.equals(Set.of(Roles.ADMIN))) {
            needs = "this needs an admin token";
        } else if (allowed.equals(Set.of(Roles.SERVICE))) {
            needs = "this is an internal API of the services: it needs the service credential"
                    + " (spillway.auth.service-token)";
        } else {
            needs = "this token may not call this endpoint (it needs one of the roles " + allowed + ")";
        }
        return json(403, ApiError.of(403, needs));
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        LOG.error("Unexpected failure serving a request", e);
        return json(500, ApiError.of(500, "internal error; the server log has the details"));
    }

    private static Response challenge(String message) {
        return Response.status(401).type(MediaType.APPLICATION_JSON_TYPE)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"spillway\"")
                .entity(ApiError.of(401, message)).build();
    }

    private static Set<String> allowedRoles(SimpleResourceInfo resource) {
        if (resource == null || resource.getResourceClass() == null) {
            return Set.of();
        }
        RolesAllowed roles = null;
        try {
            Method method = resource.getResourceClass().getMethod(resource.getMethodName(),
                    resource.parameterTypes());
            roles = method.getAnnotation(RolesAllowed.class);
        } catch (NoSuchMethodException e) {
            // a non-public method: the class's annotation is the one that counts
        }
        if (roles == null) {
            roles = resource.getResourceClass().getAnnotation(RolesAllowed.class);
        }
        return roles == null ? Set.of() : new TreeSet<>(Arrays.asList(roles.value()));
    }

    /** A JSON error response, as every service answers errors. */
    public static Response json(int status, ApiError error) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(error).build();
    }
}
