package io.spillway.storage.domain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import io.spillway.storage.domain.FilesystemException.Reason;

/**
 * Resolves the sub-path a job mounts to the host directory it really names. Stricter than
 * {@link FilesystemLayout#resolve}: {@code ..} is refused outright, and the path is followed through symbolic links
 * on disk ({@code toRealPath}), because a link inside a filesystem that points out of it would otherwise hand a job
 * any directory on the host. A sub-path that does not exist yet is checked through its deepest existing ancestor,
 * since the runtime may create the rest.
 */
public final class SubPathGuard {

    private final FilesystemLayout layout;

    public SubPathGuard(FilesystemLayout layout) {
        this.layout = layout;
    }

    /**
     * The real host path of {@code subPath} inside {@code filesystem}, whose directory must exist.
     *
     * @throws FilesystemException {@link Reason#PATH_ESCAPES_FILESYSTEM} when the sub-path is absolute, contains
     *         {@code ..} or resolves outside the filesystem's real directory
     */
    public Path realPath(FilesystemName filesystem, String subPath) {
        Path realBase = realPathOf(layout.directoryOf(filesystem));
        if (subPath == null || subPath.isEmpty()) {
            return realBase;
        }
        if (subPath.startsWith("/") || Path.of(subPath).isAbsolute()) {
            throw refused(filesystem, subPath, "must be relative to the filesystem");
        }
        Path relative = Path.of(subPath);
        for (Path segment : relative) {
            if (segment.toString().equals("..")) {
                throw refused(filesystem, subPath, "must not contain '..'");
            }
        }
        Path candidate = realBase.resolve(relative).normalize();
        Path existing = candidate;
        while (!Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        Path real;
        if (Files.isSymbolicLink(existing) && !Files.exists(existing)) {
            // A dangling link: where it points cannot be checked, and the runtime would follow it anyway.
            throw refused(filesystem, subPath, "passes through a symbolic link whose target does not exist");
        }
        real = realPathOf(existing).resolve(existing.relativize(candidate));
        if (!real.startsWith(realBase)) {
            throw refused(filesystem, subPath, "resolves through a symbolic link to " + real
                    + ", outside the filesystem");
        }
        return real;
    }

    private static FilesystemException refused(FilesystemName filesystem, String subPath, String why) {
        return new FilesystemException(Reason.PATH_ESCAPES_FILESYSTEM, "Subpath '" + subPath + "' of filesystem '"
                + filesystem + "' " + why);
    }

    private static Path realPathOf(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            throw new FilesystemException(Reason.IO_ERROR, "Cannot resolve " + path + ": " + e.getMessage(), e);
        }
    }
}
