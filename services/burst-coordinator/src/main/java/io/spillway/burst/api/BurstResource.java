package io.spillway.burst.api;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.smallrye.mutiny.Uni;
import io.spillway.burst.domain.Burst;
import io.spillway.burst.domain.BurstSnapshot;
import io.spillway.burst.persistence.BurstRepository;

/** The bursts, as operators and the CLI see them. */
@Path("/api/v1/bursts")
@Produces(MediaType.APPLICATION_JSON)
public class BurstResource {

    private final BurstRepository bursts;

    public BurstResource(BurstRepository bursts) {
        this.bursts = bursts;
    }

    /** Every burst, newest first; {@code ?site=} keeps those of one home site. */
    @GET
    public Uni<List<BurstView>> list(@QueryParam("site") String site) {
        return bursts.list(Optional.ofNullable(site).filter(s -> !s.isBlank()))
                .map(all -> all.stream().map(BurstView::of).toList());
    }

    /** One burst. */
    public record BurstView(String burstId, String homeSite, String burstSite, String state, boolean open,
            List<String> candidateJobIds, List<String> filesystems, int signals, Instant openedAt,
            String failureReason, List<SnapshotView> snapshots) {

        static BurstView of(Burst burst) {
            return new BurstView(burst.burstId(), burst.homeSite(), burst.burstSite(), burst.state().name(),
                    burst.open(), burst.candidateJobIds(), burst.filesystems(), burst.signals(), burst.openedAt(),
                    burst.failureReason(), burst.snapshots().stream().map(SnapshotView::of).toList());
        }
    }

    /** One snapshot of a burst. */
    public record SnapshotView(String filesystem, String snapshotId, String state, String locator, String reason) {

        static SnapshotView of(BurstSnapshot snapshot) {
            return new SnapshotView(snapshot.filesystem(), snapshot.snapshotId(), snapshot.state().name(),
                    snapshot.locator(), snapshot.reason());
        }
    }
}
