package io.spillway.snapshot.domain;

/**
 * A snapshot taken and uploaded.
 *
 * @param locator where its manifest is, {@link SnapshotLayout#manifestKey}
 * @param bytesScanned bytes of file content actually read, re-reads of a file that changed meanwhile included
 * @param bytesUploaded bytes of chunks that were new to the store and uploaded
 * @param chunksNew chunks uploaded
 * @param chunksReused chunks not uploaded: found in the store already, earlier in this snapshot, or named by the
 *        parent's entry of an unchanged file
 * @param filesRead regular files whose content was read
 * @param filesSkipped regular files not read, because size and mtime equal the parent's entry
 * @param bytesSkipped content bytes of the skipped files
 */
public record SnapshotResult(Manifest manifest, String locator, long bytesScanned, long bytesUploaded,
        long chunksNew, long chunksReused, long durationMs, long filesRead, long filesSkipped, long bytesSkipped) {
}
