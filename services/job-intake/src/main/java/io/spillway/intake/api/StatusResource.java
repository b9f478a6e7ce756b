package io.spillway.intake.api;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import io.smallrye.mutiny.Uni;
import io.spillway.intake.auth.CurrentCaller;
import io.spillway.intake.domain.Caller;
import io.spillway.intake.domain.ClusterStatus;
import io.spillway.intake.domain.JobState;
import io.spillway.intake.domain.Project;
import io.spillway.intake.persistence.JobRecord;
import io.spillway.intake.persistence.JobRepository;
import io.spillway.intake.persistence.ProjectRepository;
import io.spillway.intake.scheduler.SchedulerClient;
import io.spillway.kit.security.Roles;

/** Who am I, and how busy is the cluster: the queue and GPU use per site and per project. */
@RolesAllowed({ Roles.USER, Roles.ADMIN })
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "bearer")
public class StatusResource {

    private final JobRepository jobs;
    private final ProjectRepository projects;
    private final SchedulerClient schedulers;
    private final CurrentCaller currentCaller;

    public StatusResource(JobRepository jobs, ProjectRepository projects, SchedulerClient schedulers,
            CurrentCaller currentCaller) {
        this.jobs = jobs;
        this.projects = projects;
        this.schedulers = schedulers;
        this.currentCaller = currentCaller;
    }

    public record WhoAmI(String kind, String project, String tokenName) {
    }

    @GET
    @Path("/whoami")
    @Operation(summary = "The caller's token: admin, or the project it belongs to")
    public Uni<WhoAmI> whoAmI() {
        // A Uni, like every /api/ method: the token filter reads the database on the event loop, Hibernate
        // Reactive's only thread, and a blocking method would move the whole request to a worker first.
        Caller caller = currentCaller.get();
        return Uni.createFrom().item(new WhoAmI(caller.admin() ? "admin" : "project", caller.project(),
                caller.tokenName()));
    }

    @GET
    @Path("/status")
    @Operation(summary = "Queue and GPU use per site and project", description = "Site totals for everyone; a"
            + " project's token sees its own project's rows.")
    public Uni<ClusterStatus> status() {
        Caller caller = currentCaller.get();
        // One database session at a time: the two queries run one after the other, the schedulers meanwhile.
        Uni<List<JobRecord>> activeJobs = jobs.active();
        Uni<List<Project>> allProjects = projects.list();
        return Uni.combine().all().unis(activeJobs.chain(active -> allProjects.map(all -> Map.entry(active, all))),
                schedulers.capacities())
                .with((found, capacities) -> {
                    List<JobRecord> active = found.getKey();
                    List<Project> all = found.getValue();
                    Map<String, Project> byName = all.stream()
                            .collect(Collectors.toMap(Project::name, Function.identity()));
                    ClusterStatus status = ClusterStatus.of(active.stream()
                            .map(job -> new ClusterStatus.ActiveJob(job.site(), job.project(),
                                    JobState.valueOf(job.state()), job.gpus()))
                            .toList(), capacities, byName);
                    return new ClusterStatus(status.sites(), status.projects().stream()
                            .filter(row -> caller.mayAccess(row.project())).toList());
                });
    }
}
