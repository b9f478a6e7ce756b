package io.spillway.intake.api;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import io.smallrye.mutiny.Uni;
import io.spillway.intake.domain.Violation;
import io.spillway.intake.persistence.AuditLog;
import io.spillway.kit.security.Roles;

/** The audit log (admin): who submitted, cancelled, created, changed or revoked what, when and from where. */
@RolesAllowed(Roles.ADMIN)
@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "bearer")
public class AuditResource {

    private final AuditLog auditLog;

    public AuditResource(AuditLog auditLog) {
        this.auditLog = auditLog;
    }

    @GET
    @Operation(summary = "Read the audit log (admin)", description = "Newest first. 'since' is a time"
            + " (2026-12-07T10:00:00Z) or an age (90s, 15m, 2h, 7d); 'action' one of job.submit, job.cancel,"
            + " event.post, project.create, project.update, project.delete, token.create, token.revoke,"
            + " snapshot.create, snapshot.delete, restore.create; 'token' a token's name.")
    public Uni<List<AuditLog.Entry>> list(@QueryParam("since") String since, @QueryParam("action") String action,
            @QueryParam("token") String token, @QueryParam("limit") @DefaultValue("100") int limit) {
        if (limit < 1 || limit > 1000) {
            throw new InvalidRequestException(List.of(new Violation("limit", "must be between 1 and 1000")));
        }
        return auditLog.list(since == null || since.isBlank() ? null : since(since.trim()), blankToNull(action),
                blankToNull(token), limit);
    }

    /** A time, or an age back from now such as {@code 15m}. */
    static OffsetDateTime since(String value) {
        try {
            return OffsetDateTime.parse(value);
        } catch (DateTimeException notATime) {
            // maybe an age
        }
        java.util.regex.Matcher age = java.util.regex.Pattern.compile("(\\d{1,9})([smhd])").matcher(
                value.toLowerCase(Locale.ROOT));
        if (!age.matches()) {
            throw new InvalidRequestException(List.of(new Violation("since", "must be a time such as"
                    + " 2026-12-07T10:00:00Z or an age such as 90s, 15m, 2h or 7d; got '" + value + "'")));
        }
        long amount = Long.parseLong(age.group(1));
        Duration back = switch (age.group(2)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
        return OffsetDateTime.now(ZoneOffset.UTC).minus(back);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
