package io.spillway.scheduler.api;

import java.util.ArrayList;
import java.util.List;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.smallrye.mutiny.Uni;
import io.spillway.kit.ServiceIdentity;
import io.spillway.kit.Transactions;
import io.spillway.scheduler.domain.Allocation;
import io.spillway.scheduler.domain.Gpu;
import io.spillway.scheduler.domain.Node;
import io.spillway.scheduler.inventory.SiteInventory;
import io.spillway.scheduler.persistence.JobStore;
import io.spillway.scheduler.persistence.StoredJob;

/** Read-only view of the site's scheduler, for operators and tests. */
@Path("/api/v1/scheduler/state")
@Produces(MediaType.APPLICATION_JSON)
public class SchedulerStateResource {

    private final Transactions transactions;
    private final JobStore store;
    private final SiteInventory inventory;
    private final ServiceIdentity identity;

    public SchedulerStateResource(Transactions transactions, JobStore store, SiteInventory inventory,
            ServiceIdentity identity) {
        this.transactions = transactions;
        this.store = store;
        this.inventory = inventory;
        this.identity = identity;
    }

    /** The GPU inventory with what each GPU holds, and the latest jobs (newest first, at most {@code limit}). */
    @GET
    public Uni<SchedulerState> state(@QueryParam("limit") @DefaultValue("200") int limit) {
        int latest = Math.max(1, Math.min(limit, 1000));
        // One session runs one query at a time: the held GPUs, then the latest jobs.
        return transactions.inSession(session -> store.heldAllocations(session)
                .chain(held -> store.recentJobs(session, latest)
                        .map(jobs -> new SchedulerState(identity.site(), inventory.source(), nodes(held),
                                jobs.stream().map(SchedulerStateResource::view).toList()))));
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
