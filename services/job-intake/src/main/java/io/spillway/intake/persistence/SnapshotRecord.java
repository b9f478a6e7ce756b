package io.spillway.intake.persistence;

import java.time.OffsetDateTime;

/**
 * A snapshot as the API shows it: where it was taken, how far it got, and what the upload cost.
 *
 * @param state REQUESTED, RUNNING, UPLOADED, FAILED or DELETED
 * @param locator the manifest in the object store, once uploaded
 * @param files files in the snapshot, once its manifest is built
 * @param bytes bytes in the snapshot, once its manifest is built
 * @param bytesScanned bytes actually read (unchanged files are not)
 * @param bytesUploaded bytes of new chunks sent to the object store
 * @param reason why it failed or was deleted
 * @param progress the latest progress report while it runs
 */
public record SnapshotRecord(
        String id,
        String site,
        String filesystem,
        String path,
        String state,
        String locator,
        Long files,
        Long bytes,
        Long bytesScanned,
        Long bytesUploaded,
        Long chunksNew,
        Long chunksReused,
        Long durationMs,
        String reason,
        Progress progress,
        String burstId,
        String requestedBy,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt) {

    /** How far a snapshot or restore has got; totals grow while the walk goes on. */
    public record Progress(long filesDone, long filesTotal, long bytesDone, long bytesTotal) {

        static Progress of(Long filesDone, Long filesTotal, Long bytesDone, Long bytesTotal) {
            if (bytesDone == null && filesDone == null) {
                return null;
            }
            return new Progress(orZero(filesDone), orZero(filesTotal), orZero(bytesDone), orZero(bytesTotal));
        }

        private static long orZero(Long value) {
            return value == null ? 0 : value;
        }
    }
}
