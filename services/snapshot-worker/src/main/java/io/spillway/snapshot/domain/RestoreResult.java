package io.spillway.snapshot.domain;

import java.util.List;

/**
 * A snapshot restored into a directory.
 *
 * @param files regular files the manifest names, all in place and verified
 * @param bytesWritten content bytes fetched, verified and written
 * @param filesSkipped files already at the target with the manifest's content, not fetched
 * @param bytesSkipped content bytes of the skipped files
 * @param chunksFetched chunks fetched from the store
 * @param conflicts paths (relative to the target) of local files that differed from the snapshot and were moved to
 *        {@code .spillway-conflicts/<restoreId>/<path>} before being replaced
 * @param skippedSymlinks symlinks not created because their target leaves the restored directory
 * @param filesTrusted of the skipped files, those an earlier restore left untouched with the same content: found by
 *        their metadata alone, not read ({@link RestoreIndex})
 */
public record RestoreResult(long files, long bytesWritten, long filesSkipped, long bytesSkipped, long chunksFetched,
        long durationMs, List<String> conflicts, List<String> skippedSymlinks, long filesTrusted) {

    public RestoreResult {
        conflicts = List.copyOf(conflicts);
        skippedSymlinks = List.copyOf(skippedSymlinks);
    }
}
