package io.spillway.snapshot.domain;

import java.time.Instant;
import java.util.List;

/**
 * A point-in-time description of a filesystem (or a path in it): every entry with its metadata and, for files, the
 * content hashes of their chunks. With the chunks it names, it is everything a restore needs.
 *
 * @param path the path inside the filesystem that was snapshotted, {@code null} for all of it
 * @param entries sorted by path, so the same tree always gives the same manifest
 * @param parentSnapshotId the snapshot this one was taken against (unchanged files reuse its chunk lists),
 *        {@code null} for a full snapshot; a restore does not need it, it tells where the figures came from
 */
public record Manifest(String snapshotId, String site, String filesystem, String path, Instant createdAt,
        Chunking chunking, List<ManifestEntry> entries, String parentSnapshotId) {

    /** The manifest format written in every manifest, so readers can evolve. */
    public static final String FORMAT = "spillway.manifest.v1";

    public Manifest {
        entries = List.copyOf(entries);
    }

    /** A full snapshot, taken against no parent. */
    public Manifest(String snapshotId, String site, String filesystem, String path, Instant createdAt,
            Chunking chunking, List<ManifestEntry> entries) {
        this(snapshotId, site, filesystem, path, createdAt, chunking, entries, null);
    }

    /** Number of regular files. */
    public long files() {
        return entries.stream().filter(e -> e.type() == EntryType.FILE).count();
    }

    /** Bytes of file content. */
    public long bytes() {
        return entries.stream().filter(e -> e.type() == EntryType.FILE).mapToLong(ManifestEntry::size).sum();
    }

    /** How file content was cut into chunks: a restore does not need it, a later incremental snapshot does. */
    public record Chunking(String algorithm, int chunkSize) {
    }
}
