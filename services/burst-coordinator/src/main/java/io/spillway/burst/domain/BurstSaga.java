package io.spillway.burst.domain;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The burst saga's decisions, free of I/O: given a burst's state and an event, the new state and the commands to
 * send. The adapters load the state, persist the result and send the commands in one transaction.
 *
 * <p>
 * So far: opening a burst on a queue signal, one snapshot request per filesystem the candidates mount, absorbing
 * further signals for a site whose burst is open, and recording snapshot outcomes. Restore, reroute and release
 * come with the rest of the saga.
 */
public final class BurstSaga {

    private final String burstSite;
    private final Supplier<String> ids;
    private final Clock clock;

    /**
     * @param burstSite where bursts go
     * @param ids new unique ids, for bursts and snapshots
     */
    public BurstSaga(String burstSite, Supplier<String> ids, Clock clock) {
        this.burstSite = burstSite;
        this.ids = ids;
        this.clock = clock;
    }

    /**
     * A site's queue overflowed.
     *
     * @param open the burst open for the signal's site, if there is one
     */
    public Decision onThresholdExceeded(Optional<Burst> open, QueueSignal signal) {
        if (open.isPresent()) {
            return absorb(open.get(), signal);
        }
        if (signal.site().equals(burstSite)) {
            return Decision.unchanged(null, "site " + signal.site() + " is the burst site; it has nowhere to burst");
        }
        if (signal.candidates().isEmpty()) {
            return Decision.unchanged(null, "no waiting job at " + signal.site() + " may burst");
        }
        String burstId = ids.get();
        Set<String> filesystems = new TreeSet<>();
        signal.candidates().forEach(candidate -> filesystems.addAll(candidate.filesystems()));
        List<BurstSnapshot> snapshots = new ArrayList<>();
        List<Command> commands = new ArrayList<>();
        for (String filesystem : filesystems) {
            String snapshotId = ids.get();
            snapshots.add(BurstSnapshot.requested(filesystem, snapshotId));
            commands.add(new Command.RequestSnapshot(snapshotId, signal.site(), filesystem, burstId));
        }
        // Candidates that mount nothing need no data moved: with no filesystem at all, the data phase is done.
        BurstState state = snapshots.isEmpty() ? BurstState.SNAPSHOTTED : BurstState.SNAPSHOTTING;
        Burst burst = new Burst(burstId, signal.site(), burstSite, state, jobIds(List.of(), signal),
                List.copyOf(filesystems), snapshots, 1, clock.instant(), null);
        return Decision.opened(burst, commands);
    }

    /** A snapshot the burst asked for is uploaded. */
    public Decision onSnapshotUploaded(Burst burst, String snapshotId, String locator) {
        Optional<BurstSnapshot> snapshot = burst.snapshot(snapshotId);
        if (snapshot.isEmpty()) {
            return Decision.unchanged(burst, "snapshot " + snapshotId + " is not one of burst " + burst.burstId());
        }
        if (snapshot.get().state() == SnapshotState.UPLOADED) {
            return Decision.unchanged(burst, "snapshot " + snapshotId + " was recorded as uploaded already");
        }
        List<BurstSnapshot> snapshots = replace(burst, snapshot.get().uploaded(locator));
        boolean allUploaded = snapshots.stream().allMatch(s -> s.state() == SnapshotState.UPLOADED);
        BurstState state = burst.state() == BurstState.SNAPSHOTTING && allUploaded ? BurstState.SNAPSHOTTED
                : burst.state();
        return Decision.updated(with(burst, state, snapshots, burst.failureReason()));
    }

    /** A snapshot the burst asked for failed: the burst fails with it (compensation comes with the rest of the saga). */
    public Decision onSnapshotFailed(Burst burst, String snapshotId, String reason) {
        Optional<BurstSnapshot> snapshot = burst.snapshot(snapshotId);
        if (snapshot.isEmpty()) {
            return Decision.unchanged(burst, "snapshot " + snapshotId + " is not one of burst " + burst.burstId());
        }
        if (snapshot.get().state() != SnapshotState.REQUESTED) {
            return Decision.unchanged(burst, "snapshot " + snapshotId + " already ended as " + snapshot.get().state());
        }
        List<BurstSnapshot> snapshots = replace(burst, snapshot.get().failed(reason));
        if (burst.state() != BurstState.SNAPSHOTTING) {
            return Decision.updated(with(burst, burst.state(), snapshots, burst.failureReason()));
        }
        return Decision.updated(with(burst, BurstState.FAILED, snapshots,
                "snapshot of " + snapshot.get().filesystem() + " failed: " + reason));
    }

    /**
     * A further signal for a site whose burst is open: new candidates are noted, nothing new is sent. A new
     * candidate that mounts a filesystem the burst does not snapshot is noted too; widening a running burst comes
     * with the rest of the saga.
     */
    private Decision absorb(Burst burst, QueueSignal signal) {
        return Decision.updated(new Burst(burst.burstId(), burst.homeSite(), burst.burstSite(), burst.state(),
                jobIds(burst.candidateJobIds(), signal), burst.filesystems(), burst.snapshots(), burst.signals() + 1,
                burst.openedAt(), burst.failureReason()));
    }

    private static List<String> jobIds(List<String> known, QueueSignal signal) {
        Set<String> jobIds = new LinkedHashSet<>(known);
        signal.candidates().forEach(candidate -> jobIds.add(candidate.jobId()));
        return List.copyOf(jobIds);
    }

    private static List<BurstSnapshot> replace(Burst burst, BurstSnapshot changed) {
        return burst.snapshots().stream()
                .map(s -> s.snapshotId().equals(changed.snapshotId()) ? changed : s)
                .toList();
    }

    private static Burst with(Burst burst, BurstState state, List<BurstSnapshot> snapshots, String failureReason) {
        return new Burst(burst.burstId(), burst.homeSite(), burst.burstSite(), state, burst.candidateJobIds(),
                burst.filesystems(), snapshots, burst.signals(), burst.openedAt(), failureReason);
    }
}
