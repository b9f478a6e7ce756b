package io.spillway.storage.domain;

import java.nio.file.Path;

import io.spillway.storage.domain.FilesystemException.Reason;

/**
 * Where filesystems live under one site's root: {@code <root>/<filesystem>[/<subPath>]}. Every path handed out is
 * absolute, normalised and inside its filesystem; a sub-path that would climb out ({@code ..}, an absolute path) is
 * refused rather than clamped, so a mistake is visible instead of silently mounting something else.
 */
public final class FilesystemLayout {

    private final Path root;

    public FilesystemLayout(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** The directory of a filesystem. */
    public Path directoryOf(FilesystemName filesystem) {
        // A DNS-1123 label has no separator and no dots, so this cannot leave the root.
        return root.resolve(filesystem.value());
    }

    /**
     * A path inside a filesystem.
     *
     * @param subPath relative to the filesystem, {@code null} or empty for the filesystem itself
     * @throws FilesystemException with {@link Reason#PATH_ESCAPES_FILESYSTEM} when it would leave the filesystem
     */
    public Path resolve(FilesystemName filesystem, String subPath) {
        Path base = directoryOf(filesystem);
        if (subPath == null || subPath.isEmpty()) {
            return base;
        }
        Path relative = Path.of(subPath);
        if (relative.isAbsolute() || subPath.startsWith("/")) {
            throw new FilesystemException(Reason.PATH_ESCAPES_FILESYSTEM, "Path '" + subPath + "' in filesystem '"
                    + filesystem + "' must be relative to the filesystem");
        }
        Path resolved = base.resolve(relative).normalize();
        if (!resolved.startsWith(base)) {
            throw new FilesystemException(Reason.PATH_ESCAPES_FILESYSTEM, "Path '" + subPath + "' leaves filesystem '"
                    + filesystem + "'");
        }
        return resolved;
    }
}
