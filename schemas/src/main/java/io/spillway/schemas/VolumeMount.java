package io.spillway.schemas;

/**
 * A filesystem (or a subpath of it) mounted into a job: {@code <filesystem>[/<subPath>]:<mountPath>[:ro]}.
 *
 * @param subPath path inside the filesystem, relative, or {@code null} for its root
 */
public record VolumeMount(String filesystem, String subPath, String mountPath, boolean readOnly) {
}
