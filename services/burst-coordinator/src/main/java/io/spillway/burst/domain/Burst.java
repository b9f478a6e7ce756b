package io.spillway.burst.domain;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One burst: jobs waiting at {@code homeSite} that move to {@code burstSite}, with the snapshots of the filesystems
 * they mount. Immutable; the saga returns a new one for every change.
 *
 * @param candidateJobIds the jobs that may burst, in the order the signals named them
 * @param filesystems the distinct filesystems those jobs mount, sorted
 * @param signals how many threshold signals for the home site this burst has absorbed
 * @param failureReason why the burst failed, if it did
 */
public record Burst(String burstId, String homeSite, String burstSite, BurstState state,
        List<String> candidateJobIds, List<String> filesystems, List<BurstSnapshot> snapshots, int signals,
        Instant openedAt, String failureReason) {

    public Burst {
        candidateJobIds = List.copyOf(candidateJobIds);
        filesystems = List.copyOf(filesystems);
        snapshots = List.copyOf(snapshots);
    }

    public boolean open() {
        return state.open();
    }

    public Optional<BurstSnapshot> snapshot(String snapshotId) {
        return snapshots.stream().filter(s -> s.snapshotId().equals(snapshotId)).findFirst();
    }
}
