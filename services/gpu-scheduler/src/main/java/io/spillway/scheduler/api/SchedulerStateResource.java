package io.spillway.scheduler.api;

import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.smallrye.mutiny.Uni;
import io.spillway.kit.ServiceIdentity;
import io.spillway.kit.Transactions;
import io.spillway.kit.security.Roles;
import io.spillway.scheduler.domain.Allocation;
import io.spillway.scheduler.domain.Gpu;
import io.spillway.scheduler.domain.LeaseTerm;
import io.spillway.scheduler.domain.Node;
import io.spillway.scheduler.inventory.SiteInventory;
import io.spillway.scheduler.loop.LeaseKeeper;
import io.spillway.scheduler.persistence.JobStore;
import io.spillway.scheduler.persistence.LeaseStore;
import io.spillway.scheduler.persistence.StoredJob;

/** Read-only view of the site's scheduler, for operators and tests. */
@RolesAllowed(Roles.SERVICE)
@Path("/api/v1/scheduler/state")
@Produces(MediaType.APPLICATION_JSON)
public class SchedulerStateResource {

    private final Transactions transactions;
    private final JobStore store;
    private final SiteInventory inventory;
    private final ServiceIdentity identity;
    private final LeaseStore leases;
    private final LeaseKeeper lease;

    public SchedulerStateResource(Transactions transactions, JobStore store, SiteInventory inventory,
            ServiceIdentity identity, LeaseStore leases, LeaseKeeper lease) {
        this.transactions = transactions;
        this.store = store;
        this.inventory = inventory;
        this.identity = identity;
        this.leases = leases;
        this.lease = lease;
    }

    /**
     * The GPU inventory with what each GPU holds, the latest jobs (newest first, at most {@code limit}), and who leads
     * the site: the same answer from the leader and from a standby, but for {@code leader}.
     */
    @GET
    public Uni<SchedulerState> state(@QueryParam("limit") @DefaultValue("200") int limit) {
        int latest = Math.max(1, Math.min(limit, 1000));
        // One session runs one query at a time: the held GPUs, then the latest jobs, then the lease.
        return transactions.inSession(session -> store.heldAllocations(session)
                .chain(held -> store.recentJobs(session, latest)
                        .chain(jobs -> leases.holder(session, identity.site())
                                .map(holder -> new SchedulerState(identity.site(), inventory.source(), lease.leads(),
                                        holder.map(LeaseTerm::holder).orElse(null), lease.instanceId(), nodes(held),
                                        jobs.stream().map(SchedulerStateResource::view).toList())))));
    }

    private List<SchedulerState.NodeView> nodes(List<Allocation> held) {
        List<SchedulerState.NodeView> nodes = new ArrayList<>();
        for (Node node : inventory.nodes()) {
            List<SchedulerState.GpuView> gpus = new ArrayList<>();
            for (Gpu gpu : node.gpus()) {
                List<Allocation> on = held.stream()
                        .filter(a -> a.node().equals(node.name()) && a.gpuIds().contains(gpu.id()))
                        .toList();
                gpus.add(new SchedulerState.GpuView(gpu.id(), gpu.memoryMiB(), gpu.model(),
                        on.stream().mapToDouble(Allocation::fraction).sum(),
                        on.stream().map(Allocation::jobId).toList()));
            }
            nodes.add(new SchedulerState.NodeView(node.name(), node.pool(), gpus));
        }
        return nodes;
    }

    private static SchedulerState.JobView view(StoredJob job) {
        // A job whose stored spec cannot be read is still listed, without its name and project.
        return new SchedulerState.JobView(job.jobId(), job.spec() == null ? null : job.spec().name(),
                job.spec() == null ? null : job.spec().project(), job.state().name(),
                job.reason(), job.node(), job.gpuIds(), job.gpuFraction(), job.exitCode(), job.submittedAt(),
                job.startedAt(), job.endedAt());
    }
}
