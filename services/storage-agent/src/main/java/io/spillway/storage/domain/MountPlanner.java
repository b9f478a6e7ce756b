package io.spillway.storage.domain;

import java.nio.file.Path;
import java.util.Optional;

import io.spillway.storage.domain.FilesystemException.Reason;

/**
 * Turns a job's volume ({@code <fs>[/<subpath>]:<mountpath>[:ro]}) into what each executor mounts: the real host
 * directory for the local executor, a PersistentVolumeClaim named {@code <prefix><fs>} (plus the sub-path) for the
 * Kubernetes executor.
 */
public final class MountPlanner {

    private final SubPathGuard guard;
    private final String claimPrefix;
    private final Optional<String> storageClass;

    public MountPlanner(SubPathGuard guard, String claimPrefix, Optional<String> storageClass) {
        this.guard = guard;
        this.claimPrefix = claimPrefix;
        this.storageClass = storageClass;
    }

    /**
     * The mount of {@code subPath} in {@code filesystem} for {@code jobId}.
     *
     * @throws FilesystemException {@link Reason#INVALID_JOB_ID} without a job,
     *         {@link Reason#PATH_ESCAPES_FILESYSTEM} for a sub-path that leaves the filesystem
     */
    public Mount plan(FilesystemName filesystem, String jobId, String subPath, boolean readOnly) {
        if (jobId == null || jobId.isBlank()) {
            throw new FilesystemException(Reason.INVALID_JOB_ID, "A mount needs the id of the job that holds it");
        }
        String normalisedSubPath = subPath == null ? "" : subPath;
        Path hostPath = guard.realPath(filesystem, normalisedSubPath);
        return new Mount(filesystem, jobId, normalisedSubPath, readOnly, hostPath, claimPrefix + filesystem.value(),
                storageClass);
    }

    /** One job's mount of one filesystem. */
    public record Mount(FilesystemName filesystem, String jobId, String subPath, boolean readOnly, Path hostPath,
            String claimName, Optional<String> storageClass) {
    }
}
