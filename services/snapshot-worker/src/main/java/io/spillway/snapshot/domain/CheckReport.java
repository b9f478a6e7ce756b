package io.spillway.snapshot.domain;

import java.util.List;

/**
 * The outcome of a repository check: what was checked and what is damaged.
 *
 * @param ok true when nothing is damaged ({@link #problems} is empty)
 * @param readData whether pack data was read and every chunk hashed, or only the structure checked
 * @param packsChecked packs indexes name that were found (read whole with {@code readData})
 * @param chunksChecked index entries checked
 * @param manifestsChecked manifests read
 * @param bytesRead pack bytes read
 * @param durationMs how long the check took
 * @param problems what is damaged, each naming the pack, chunk, index or manifest and the snapshots and files it costs
 * @param damagedSnapshots the ids of the snapshots some problem costs, sorted: those a restore may fail for
 * @param unindexedPacks packs no index names (a crashed upload's, or a snapshot's still running): not damage
 */
public record CheckReport(boolean ok, boolean readData, long packsChecked, long chunksChecked, long manifestsChecked,
        long bytesRead, long durationMs, List<CheckProblem> problems, List<String> damagedSnapshots,
        List<String> unindexedPacks) {

    public CheckReport {
        problems = List.copyOf(problems);
        damagedSnapshots = List.copyOf(damagedSnapshots);
        unindexedPacks = List.copyOf(unindexedPacks);
    }
}
