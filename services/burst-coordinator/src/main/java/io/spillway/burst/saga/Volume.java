package io.spillway.burst.saga;

/**
 * A filesystem (or a subpath of it) a job mounts.
 *
 * @param subPath the path inside the filesystem, relative, or {@code null} when the job mounts all of it
 * @param readOnly a read-only mount is input only: nothing of it comes home after the job
 */
public record Volume(String filesystem, String subPath, boolean readOnly) {

    public Volume {
        subPath = subPath == null || subPath.isBlank() ? null : subPath;
    }

    /** The whole filesystem, writable. */
    public static Volume whole(String filesystem) {
        return new Volume(filesystem, null, false);
    }

    public boolean wholeFilesystem() {
        return subPath == null;
    }
}
