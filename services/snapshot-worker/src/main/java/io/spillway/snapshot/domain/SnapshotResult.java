package io.spillway.snapshot.domain;

/**
 * A snapshot taken and uploaded.
 *
 * @param locator where its manifest is, {@link SnapshotLayout#manifestKey}
 * @param bytesScanned bytes of file content read
 * @param bytesUploaded bytes of chunks that were new to the store and uploaded
 * @param chunksNew chunks uploaded
 * @param chunksReused chunks found in the store already (or earlier in this snapshot)
 */
public record SnapshotResult(Manifest manifest, String locator, long bytesScanned, long bytesUploaded,
        long chunksNew, long chunksReused, long durationMs) {
}
