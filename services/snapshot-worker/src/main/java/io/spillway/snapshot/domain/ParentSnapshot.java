package io.spillway.snapshot.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The parent of an incremental snapshot: the latest snapshot of the same site, filesystem and path, cut by the same
 * chunking (so the new manifest's {@link Manifest.Chunking} stays true), whose unchanged files are reused without
 * being read.
 */
public final class ParentSnapshot {

    /**
     * A parent's entry is trusted only if its mtime is at least this much before the parent started: a file written
     * again within the mtime granularity of its last read (a second on some filesystems, two on FAT) can keep size
     * and mtime with new content. Such a file is simply read again, as git does with racily clean index entries.
     */
    public static final Duration RACY_MARGIN = Duration.ofSeconds(2);

    private static final ParentSnapshot NONE = new ParentSnapshot(null);

    private final Manifest manifest;
    private final Map<String, ManifestEntry> files = new HashMap<>();
    private final Instant trustedBefore;

    private ParentSnapshot(Manifest manifest) {
        this.manifest = manifest;
        if (manifest == null) {
            trustedBefore = Instant.MIN;
            return;
        }
        trustedBefore = manifest.createdAt().minus(RACY_MARGIN);
        for (ManifestEntry entry : manifest.entries()) {
            if (entry.type() == EntryType.FILE) {
                files.put(entry.path(), entry);
            }
        }
    }

    /** No parent: every file is read. */
    public static ParentSnapshot none() {
        return NONE;
    }

    /**
     * The parent for a snapshot of this place cut by {@code chunking}; {@link #none()} when {@code parent} is
     * {@code null}, the snapshot itself, of another place or cut by another chunking.
     */
    public static ParentSnapshot of(Manifest parent, String snapshotId, String site, String filesystem, String path,
            Manifest.Chunking chunking) {
        boolean usable = parent != null && !parent.snapshotId().equals(snapshotId) && parent.site().equals(site)
                && parent.filesystem().equals(filesystem)
                && Objects.equals(emptyToNull(parent.path()), emptyToNull(path)) && parent.chunking().equals(chunking);
        return usable ? new ParentSnapshot(parent) : NONE;
    }

    private static String emptyToNull(String path) {
        return path == null || path.isEmpty() ? null : path;
    }

    /** The parent's snapshot id, which the new manifest names; {@code null} for none. */
    public String snapshotId() {
        return manifest == null ? null : manifest.snapshotId();
    }

    /**
     * The parent's entry for a regular file that is unchanged since (same size and mtime, the mtime safely before
     * the parent started), whose chunk list is reused; {@code null} when the file must be read.
     */
    public ManifestEntry unchanged(String path, long size, Instant mtime) {
        ManifestEntry previous = files.get(path);
        if (previous == null || previous.size() != size || !previous.mtime().equals(mtime)
                || !previous.mtime().isBefore(trustedBefore)) {
            return null;
        }
        return previous;
    }
}
