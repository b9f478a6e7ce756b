package io.spillway.snapshot.domain;

import java.time.Instant;
import java.util.List;

/**
 * One file, directory or symlink of a snapshot.
 *
 * @param path relative to the snapshot's root, {@code /}-separated
 * @param mode permission bits (including setuid, setgid, sticky), e.g. {@code 0644}
 * @param size bytes of a file's content; 0 for directories and symlinks
 * @param target a symlink's target exactly as stored, {@code null} otherwise
 * @param chunks a file's content as the SHA-256 hashes of its chunks, in order; empty otherwise
 */
public record ManifestEntry(String path, EntryType type, int mode, long size, Instant mtime, String target,
        List<String> chunks) {

    public ManifestEntry {
        chunks = chunks == null ? List.of() : List.copyOf(chunks);
    }

    public static ManifestEntry file(String path, int mode, long size, Instant mtime, List<String> chunks) {
        return new ManifestEntry(path, EntryType.FILE, mode, size, mtime, null, chunks);
    }

    public static ManifestEntry directory(String path, int mode, Instant mtime) {
        return new ManifestEntry(path, EntryType.DIR, mode, 0, mtime, null, List.of());
    }

    public static ManifestEntry symlink(String path, int mode, Instant mtime, String target) {
        return new ManifestEntry(path, EntryType.SYMLINK, mode, 0, mtime, target, List.of());
    }
}
