package io.spillway.burst.saga;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One filesystem (or subpath) on its way from one site to another: a snapshot at the source, uploaded, then restored
 * at the target. The data a burst takes out to the burst site and the results a job sends home are both transfers.
 *
 * @param path the subpath snapshotted, or {@code null} for the whole filesystem
 * @param target the directory inside the filesystem the restore writes to, or {@code null} for the filesystem's
 *        own place
 * @param bytesUploaded what the upload added to the object store: the bytes that really travelled
 * @param readyPaths the priority paths reported online so far, before the whole restore is done
 * @param failure why the transfer failed, for a person; {@code null} unless {@link TransferState#FAILED}
 */
public record Transfer(
        String filesystem,
        String path,
        String target,
        TransferState state,
        String snapshotId,
        Instant snapshotRequestedAt,
        String locator,
        long bytesUploaded,
        Instant snapshotUploadedAt,
        String restoreId,
        Instant restoreRequestedAt,
        List<String> readyPaths,
        Instant restoreEndedAt,
        String failure) {

    public Transfer {
        readyPaths = List.copyOf(readyPaths);
    }

    static Transfer requested(String filesystem, String path, String target, String snapshotId, Instant at) {
        return new Transfer(filesystem, path, target, TransferState.SNAPSHOTTING, snapshotId, at, null, 0, null, null,
                null, List.of(), null, null);
    }

    Transfer uploaded(String locator, long bytesUploaded, String restoreId, Instant at) {
        return new Transfer(filesystem, path, target, TransferState.RESTORING, snapshotId, snapshotRequestedAt,
                locator, bytesUploaded, at, restoreId, at, readyPaths, null, null);
    }

    Transfer pathsReady(List<String> paths) {
        Set<String> ready = new LinkedHashSet<>(readyPaths);
        ready.addAll(paths);
        return new Transfer(filesystem, path, target, state, snapshotId, snapshotRequestedAt, locator, bytesUploaded,
                snapshotUploadedAt, restoreId, restoreRequestedAt, List.copyOf(ready), restoreEndedAt, failure);
    }

    Transfer restored(Instant at) {
        return new Transfer(filesystem, path, target, TransferState.RESTORED, snapshotId, snapshotRequestedAt,
                locator, bytesUploaded, snapshotUploadedAt, restoreId, restoreRequestedAt, readyPaths, at, null);
    }

    Transfer failed(String reason, Instant at) {
        return new Transfer(filesystem, path, target, TransferState.FAILED, snapshotId, snapshotRequestedAt, locator,
                bytesUploaded, snapshotUploadedAt, restoreId, restoreRequestedAt, readyPaths, at, reason);
    }

    /** Whether this transfer carries the given volume of a job: its filesystem, or a subpath holding the volume. */
    boolean covers(Volume volume) {
        if (!filesystem.equals(volume.filesystem())) {
            return false;
        }
        return path == null || !volume.wholeFilesystem()
                && (volume.subPath().equals(path) || volume.subPath().startsWith(path + "/"));
    }

    /** Whether the given volume of a job can be used at the target: all of it restored, or its subpath online. */
    boolean serves(Volume volume) {
        if (!covers(volume)) {
            return false;
        }
        if (state == TransferState.RESTORED) {
            return true;
        }
        return state == TransferState.RESTORING && path == null && !volume.wholeFilesystem()
                && readyPaths.contains(volume.subPath());
    }

    /** The filesystem, with the subpath when there is one: what a person calls this data. */
    String label() {
        return path == null ? filesystem : filesystem + "/" + path;
    }
}
