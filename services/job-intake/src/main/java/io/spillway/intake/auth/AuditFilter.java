package io.spillway.intake.auth;

import java.lang.reflect.Method;
import java.util.List;
import java.util.stream.Collectors;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.UriBuilder;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.spillway.intake.domain.Caller;
import io.spillway.intake.persistence.AuditLog;
import io.vertx.core.http.HttpServerRequest;

/**
 * Writes each successful call of an {@link Audited} method to the audit log, after the change has committed and before
 * the caller gets the answer. Should the database fail in between, the change stands and the failure is logged: the
 * answer is not turned into an error for a change that happened.
 */
public class AuditFilter {

    private static final Logger LOG = Logger.getLogger(AuditFilter.class);

    private final AuditLog auditLog;
    private final SecurityIdentity identity;

    public AuditFilter(AuditLog auditLog, SecurityIdentity identity) {
        this.auditLog = auditLog;
        this.identity = identity;
    }

    @ServerResponseFilter
    public Uni<Void> record(ContainerRequestContext request, ContainerResponseContext response,
            SimpleResourceInfo resource, HttpServerRequest http) {
        Audited audited = audited(resource);
        if (audited == null || response.getStatus() >= 300 || identity.isAnonymous()) {
            return Uni.createFrom().voidItem();
        }
        Caller caller = identity.getAttribute(UserTokenIdentityProvider.CALLER);
        String address = http.remoteAddress() == null ? null : http.remoteAddress().hostAddress();
        AuditLog.Entry entry = new AuditLog.Entry(0, null, audited.value(), target(request, response),
                caller == null ? null : caller.tokenId(), identity.getPrincipal().getName(),
                caller == null ? null : caller.project(), address, request.getMethod(),
                request.getUriInfo().getPath(), response.getStatus());
        return auditLog.append(entry).onFailure().recoverWithItem(failure -> {
            LOG.errorf(failure, "Could not write the audit log entry %s", entry);
            return null;
        });
    }

    /** What was changed: the path's id or name, else the created resource's (its Location). */
    private static String target(ContainerRequestContext request, ContainerResponseContext response) {
        var parameters = request.getUriInfo().getPathParameters();
        if (!parameters.isEmpty()) {
            return parameters.values().stream().flatMap(List::stream).collect(Collectors.joining("/"));
        }
        if (response.getLocation() != null) {
            String path = UriBuilder.fromUri(response.getLocation()).build().getPath();
            return path.substring(path.lastIndexOf('/') + 1);
        }
        return null;
    }

    private static Audited audited(SimpleResourceInfo resource) {
        if (resource == null || resource.getResourceClass() == null) {
            return null;
        }
        try {
            Method method = resource.getResourceClass().getMethod(resource.getMethodName(),
                    resource.parameterTypes());
            return method.getAnnotation(Audited.class);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
