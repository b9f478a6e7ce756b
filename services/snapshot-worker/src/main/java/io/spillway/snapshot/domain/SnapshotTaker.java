package io.spillway.snapshot.domain;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.spillway.snapshot.domain.SnapshotException.Reason;

/**
 * Takes a snapshot: walks a directory without following symlinks, cuts every file into chunks, stores each chunk
 * the store does not hold yet, and writes the manifest last, so a readable manifest always names stored chunks.
 * Blocking I/O from start to end: run it on a worker thread.
 *
 * <p>
 * Incremental: given the parent (the latest snapshot of the same site, filesystem and path), a regular file whose
 * size and mtime equal the parent's entry is not read; its entry reuses the parent's chunk list. Only when the
 * parent was cut by the same chunking, so the manifest's {@link Manifest.Chunking} stays true, and only for entries
 * whose mtime was safely before the parent started (see {@link #RACY_MARGIN}).
 *
 * <p>
 * Consistent: a file's size and mtime are taken before and after reading it; a file that changed meanwhile is read
 * again, and one that keeps changing fails the snapshot with {@link Reason#FILE_CHANGED} rather than being stored
 * torn.
 *
 * <p>
 * The store may buffer chunks (packing them) and upload in the background; the manifest is written after
 * {@link ChunkStore#flush()}.
 */
public final class SnapshotTaker {

    private static final HexFormat HEX = HexFormat.of();

    /** Reads of one file before it counts as changing faster than it can be copied. */
    static final int READ_ATTEMPTS = 3;

    /**
     * A parent's entry is trusted only if its mtime is at least this much before the parent started: a file written
     * again within the mtime granularity of its last read (a second on some filesystems, two on FAT) can keep size
     * and mtime with new content. Such a file is simply read again, as git does with racily clean index entries.
     */
    static final Duration RACY_MARGIN = Duration.ofSeconds(2);

    private final Chunker chunker;
    private final ChunkStore chunks;
    private final ManifestStore manifests;
    private final Clock clock;

    public SnapshotTaker(Chunker chunker, ChunkStore chunks, ManifestStore manifests, Clock clock) {
        this.chunker = chunker;
        this.chunks = chunks;
        this.manifests = manifests;
        this.clock = clock;
    }

    /** What to snapshot and what to call it. */
    public record Request(String snapshotId, String site, String filesystem, String path, Path source) {
    }

    /**
     * Takes and uploads the snapshot.
     *
     * @throws SnapshotException {@link Reason#FILESYSTEM_NOT_FOUND} when the source is missing,
     *         {@link Reason#READ_FAILED} when it cannot be read, {@link Reason#OBJECT_STORE} from the stores
     */
    public SnapshotResult take(Request request) {
        return take(request, null);
    }

    /**
     * Takes and uploads the snapshot against a parent.
     *
     * @param parent the latest snapshot of the same site, filesystem and path, {@code null} for none; one of
     *        another place or another chunking is not used
     * @throws SnapshotException as {@link #take(Request)}, and {@link Reason#FILE_CHANGED} when a file kept
     *         changing while it was read
     */
    public SnapshotResult take(Request request, Manifest parent) {
        return take(request, parent, SnapshotListener.NONE);
    }

    /**
     * Takes and uploads the snapshot against a parent, telling {@code listener} how far it has got after every file
     * found and every chunk read.
     *
     * @throws SnapshotException as {@link #take(Request, Manifest)}
     */
    public SnapshotResult take(Request request, Manifest parent, SnapshotListener listener) {
        long started = System.nanoTime();
        Instant createdAt = clock.instant();
        if (!Files.exists(request.source(), LinkOption.NOFOLLOW_LINKS)) {
            throw new SnapshotException(Reason.FILESYSTEM_NOT_FOUND, "Nothing to snapshot: " + request.source()
                    + " does not exist (filesystem '" + request.filesystem() + "' at site '" + request.site() + "')");
        }
        chunks.prepare();
        Manifest usableParent = usable(parent, request) ? parent : null;
        Upload upload = new Upload(usableParent);
        List<ManifestEntry> entries;
        try {
            entries = walk(request.source(), upload, new ProgressCounter(listener::progress));
        } catch (IOException | UncheckedIOException e) {
            throw new SnapshotException(Reason.READ_FAILED, "Cannot read " + request.source() + ": " + e.getMessage(),
                    e);
        }
        Manifest manifest = new Manifest(request.snapshotId(), request.site(), request.filesystem(), request.path(),
                createdAt, chunker.describe(), entries, usableParent == null ? null : usableParent.snapshotId());
        // Every chunk the manifest names is durable and indexed before the manifest exists.
        chunks.flush();
        String locator = manifests.put(manifest);
        long durationMs = (System.nanoTime() - started) / 1_000_000;
        return new SnapshotResult(manifest, locator, upload.bytesScanned, upload.bytesUploaded, upload.chunksNew,
                upload.chunksReused, durationMs, upload.filesRead, upload.filesSkipped, upload.bytesSkipped);
    }

    private boolean usable(Manifest parent, Request request) {
        return parent != null && !parent.snapshotId().equals(request.snapshotId())
                && parent.site().equals(request.site()) && parent.filesystem().equals(request.filesystem())
                && Objects.equals(emptyToNull(parent.path()), emptyToNull(request.path()))
                && parent.chunking().equals(chunker.describe());
    }

    private static String emptyToNull(String path) {
        return path == null || path.isEmpty() ? null : path;
    }

    private List<ManifestEntry> walk(Path source, Upload upload, ProgressCounter progress) throws IOException {
        List<ManifestEntry> entries = new ArrayList<>();
        BasicFileAttributes rootAttributes = Files.readAttributes(source, BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        if (!rootAttributes.isDirectory()) {
            // A single file (or symlink) was asked for: it is the one entry, under its own name.
            ManifestEntry entry = entry(source, source.getFileName().toString(), rootAttributes, upload, progress);
            if (entry != null) {
                entries.add(entry);
            }
            return entries;
        }
        List<Path> top = children(source);
        if (top == null) {
            throw new NoSuchFileException(source.toString(), null, "deleted while the snapshot started");
        }
        walk(source, top, entries, upload, progress);
        entries.sort(Comparator.comparing(ManifestEntry::path));
        return entries;
    }

    /**
     * Visits a directory's children in name order, depth first, so chunks are packed in the order a restore asks
     * for them (by path): neighbouring files sit side by side in a pack and come back in one ranged read. The
     * directory's own listing order (hash order on ext4) would scatter them over the packs.
     */
    private void walk(Path source, List<Path> children, List<ManifestEntry> entries, Upload upload,
            ProgressCounter progress) throws IOException {
        for (Path child : children) {
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                continue; // deleted while we walked: not part of this point in time
            }
            if (attributes.isDirectory()) {
                List<Path> grandchildren = children(child);
                if (grandchildren != null) {
                    entries.add(entry(child, relative(source, child), attributes, upload, progress));
                    walk(source, grandchildren, entries, upload, progress);
                }
            } else if (!RestoreIndex.isIndexFile(child.getFileName().toString())) {
                // An index file is a restore's record of this site's copy: meaningless anywhere else.
                ManifestEntry entry = entry(child, relative(source, child), attributes, upload, progress);
                if (entry != null) {
                    entries.add(entry);
                }
            }
        }
    }

    /** A directory's entries sorted by name; {@code null} when it was deleted while we walked. */
    private static List<Path> children(Path directory) throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(directory)) {
            listing.forEach(children::add);
        } catch (NoSuchFileException e) {
            return null;
        }
        children.sort(Comparator.comparing(child -> child.getFileName().toString()));
        return children;
    }

    private ManifestEntry entry(Path file, String path, BasicFileAttributes attributes, Upload upload,
            ProgressCounter progress) throws IOException {
        Instant mtime = attributes.lastModifiedTime().toInstant();
        if (attributes.isSymbolicLink()) {
            return ManifestEntry.symlink(path, mode(file), mtime, Files.readSymbolicLink(file).toString());
        }
        if (attributes.isDirectory()) {
            return ManifestEntry.directory(path, mode(file), mtime);
        }
        if (!attributes.isRegularFile()) {
            return null;
        }
        ProgressCounter.File fileProgress = progress.file(attributes.size());
        ManifestEntry unchanged = upload.unchanged(path, attributes.size(), mtime);
        if (unchanged != null) {
            fileProgress.done();
            return ManifestEntry.file(path, mode(file), unchanged.size(), unchanged.mtime(), unchanged.chunks());
        }
        ManifestEntry read = read(file, path, upload, fileProgress);
        fileProgress.done();
        return read;
    }

    /** Reads a file until one read saw it unchanged from start to end. */
    private ManifestEntry read(Path file, String path, Upload upload, ProgressCounter.File progress)
            throws IOException {
        for (int attempt = 1; attempt <= READ_ATTEMPTS; attempt++) {
            BasicFileAttributes before = Files.readAttributes(file, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            List<String> hashes = new ArrayList<>();
            long size;
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                size = chunker.split(in, (data, length) -> {
                    hashes.add(upload.store(data, length));
                    progress.advanced(length);
                });
            }
            BasicFileAttributes after = Files.readAttributes(file, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (before.size() == after.size() && after.size() == size
                    && before.lastModifiedTime().equals(after.lastModifiedTime())) {
                upload.filesRead++;
                return ManifestEntry.file(path, mode(file), size, after.lastModifiedTime().toInstant(), hashes);
            }
            // Chunks of a torn read may have been stored; they are content-addressed and named by no manifest,
            // so retention collects them.
        }
        throw new SnapshotException(Reason.FILE_CHANGED, "File '" + path + "' changed while it was read, "
                + READ_ATTEMPTS + " times in a row (" + file + "); snapshot it when it is not being written");
    }

    private static String relative(Path source, Path file) {
        // Manifests use '/' whatever the platform, so they read the same everywhere.
        return source.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    }

    /** Permission bits including setuid/setgid/sticky where the platform exposes them. */
    private static int mode(Path file) throws IOException {
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

    /** Counts and de-duplicates the chunks of one snapshot. */
    private final class Upload {

        private final Set<String> known = new HashSet<>();
        private final MessageDigest sha256 = sha256();
        private final Map<String, ManifestEntry> parentFiles = new HashMap<>();
        private final Instant trustedBefore;
        private long bytesScanned;
        private long bytesUploaded;
        private long chunksNew;
        private long chunksReused;
        private long filesRead;
        private long filesSkipped;
        private long bytesSkipped;

        Upload(Manifest parent) {
            if (parent == null) {
                trustedBefore = Instant.MIN;
                return;
            }
            trustedBefore = parent.createdAt().minus(RACY_MARGIN);
            for (ManifestEntry entry : parent.entries()) {
                if (entry.type() == EntryType.FILE) {
                    parentFiles.put(entry.path(), entry);
                }
            }
        }

        /** The parent's entry for a file that is unchanged since, or {@code null} when it must be read. */
        ManifestEntry unchanged(String path, long size, Instant mtime) {
            ManifestEntry previous = parentFiles.get(path);
            if (previous == null || previous.size() != size || !previous.mtime().equals(mtime)
                    || !previous.mtime().isBefore(trustedBefore)) {
                return null;
            }
            filesSkipped++;
            bytesSkipped += size;
            chunksReused += previous.chunks().size();
            known.addAll(previous.chunks());
            return previous;
        }

        String store(byte[] data, int length) {
            bytesScanned += length;
            sha256.reset();
            sha256.update(data, 0, length);
            String hash = HEX.formatHex(sha256.digest());
            // A chunk seen earlier in this snapshot is known present: no second round trip to the store.
            if (known.contains(hash) || chunks.contains(hash)) {
                chunksReused++;
            } else {
                chunks.put(hash, data, length);
                chunksNew++;
                bytesUploaded += length;
            }
            known.add(hash);
            return hash;
        }

        private static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("Every Java platform has SHA-256", e);
            }
        }
    }
}
