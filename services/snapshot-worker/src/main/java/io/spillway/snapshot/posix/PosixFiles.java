package io.spillway.snapshot.posix;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/** A file's mode and times, read and set the way snapshots and restores need them, without following symlinks. */
final class PosixFiles {

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private PosixFiles() {
    }

    /** Permission bits including setuid/setgid/sticky where the platform exposes them. */
    static int mode(Path file) throws IOException {
        try {
            Object mode = Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return ((Integer) mode) & 07777;
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            int mode = 0;
            for (PosixFilePermission permission : Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS)) {
                mode |= 1 << (8 - permission.ordinal());
            }
            return mode;
        }
    }

    /** What is at {@code path} (not following a symlink), or {@code null} when nothing is there. */
    static BasicFileAttributes attributes(Path path) throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * Sets mtime (and atime, to the same) in one call: giving only the mtime makes the JDK read the attributes first.
     * Without {@link LinkOption#NOFOLLOW_LINKS} (for a file this restore created as a regular file and holds the only
     * name of) the JDK also skips its {@code lstat} for a symlink check before it opens the file for
     * {@code futimens}.
     */
    static void setTimes(Path path, Instant mtime, LinkOption... options) throws IOException {
        FileTime time = FileTime.from(mtime);
        Files.getFileAttributeView(path, BasicFileAttributeView.class, options).setTimes(time, time, null);
    }

    /** Sets a symlink's own mtime, not its target's. */
    static void setLinkTime(Path link, Instant mtime) throws IOException {
        Files.getFileAttributeView(link, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setTimes(FileTime.from(mtime), null, null);
    }

    /** The permission bits; setuid, setgid and sticky are not restored (the JDK cannot set them). */
    static void setMode(Path path, int mode) throws IOException {
        try {
            Files.setPosixFilePermissions(path, permissionSet(mode));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX filesystem: there are no modes to restore.
        }
    }

    /** The mode's permission bits as a file's attribute at creation; none where the platform has no POSIX modes. */
    static FileAttribute<?>[] permissions(int mode) {
        return POSIX ? new FileAttribute<?>[] { PosixFilePermissions.asFileAttribute(permissionSet(mode)) }
                : new FileAttribute<?>[0];
    }

    private static Set<PosixFilePermission> permissionSet(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] all = PosixFilePermission.values();
        for (int i = 0; i < all.length; i++) {
            if ((mode & (1 << (8 - i))) != 0) {
                permissions.add(all[i]);
            }
        }
        return permissions;
    }
}
