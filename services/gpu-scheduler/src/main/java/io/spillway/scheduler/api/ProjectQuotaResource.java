package io.spillway.scheduler.api;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.smallrye.mutiny.Uni;
import io.spillway.kit.Transactions;
import io.spillway.kit.security.Roles;
import io.spillway.scheduler.domain.ProjectQuota;
import io.spillway.scheduler.persistence.ProjectStore;

/** Read-only: the projects' quotas this site knows, as job-intake last published them, for operators and tests. */
@RolesAllowed(Roles.SERVICE)
@Path("/api/v1/scheduler/projects")
@Produces(MediaType.APPLICATION_JSON)
public class ProjectQuotaResource {

    private final Transactions transactions;
    private final ProjectStore store;

    public ProjectQuotaResource(Transactions transactions, ProjectStore store) {
        this.transactions = transactions;
        this.store = store;
    }

    /** Every known project, by name. */
    @GET
    public Uni<List<ProjectQuota>> projects() {
        return transactions.inSession(store::all);
    }
}
