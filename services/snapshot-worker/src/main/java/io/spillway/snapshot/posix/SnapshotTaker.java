package io.spillway.snapshot.posix;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.spillway.snapshot.domain.ChunkStore;
import io.spillway.snapshot.domain.ChunkUpload;
import io.spillway.snapshot.domain.Chunker;
import io.spillway.snapshot.domain.Manifest;
import io.spillway.snapshot.domain.ManifestEntry;
import io.spillway.snapshot.domain.ManifestStore;
import io.spillway.snapshot.domain.ParentSnapshot;
import io.spillway.snapshot.domain.ProgressCounter;
import io.spillway.snapshot.domain.RestoreIndex;
import io.spillway.snapshot.domain.SnapshotException;
import io.spillway.snapshot.domain.SnapshotException.Reason;
import io.spillway.snapshot.domain.SnapshotListener;
import io.spillway.snapshot.domain.SnapshotResult;

/**
 * Takes a snapshot: walks a directory without following symlinks, cuts every file into chunks, stores each chunk
 * the store does not hold yet, and writes the manifest last, so a readable manifest always names stored chunks.
 * Blocking I/O from start to end: run it on a worker thread.
 *
 * <p>
 * Incremental: given the parent (the latest snapshot of the same site, filesystem and path), a regular file whose
 * size and mtime equal the parent's entry is not read; its entry reuses the parent's chunk list. Only when the
 * parent was cut by the same chunking, so the manifest's {@link Manifest.Chunking} stays true, and only for entries
 * whose mtime was safely before the parent started: the {@link ParentSnapshot} decides, this class reads the disk.
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

    /** Reads of one file before it counts as changing faster than it can be copied. */
    static final int READ_ATTEMPTS = 3;

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
        ParentSnapshot base = ParentSnapshot.of(parent, request.snapshotId(), request.site(), request.filesystem(),
                request.path(), chunker.describe());
        ChunkUpload upload = new ChunkUpload(chunks);
        List<ManifestEntry> entries;
        try {
            entries = new Walk(base, upload, new ProgressCounter(listener::progress)).walk(request.source());
        } catch (IOException | UncheckedIOException e) {
            throw new SnapshotException(Reason.READ_FAILED, "Cannot read " + request.source() + ": " + e.getMessage(),
                    e);
        }
        Manifest manifest = new Manifest(request.snapshotId(), request.site(), request.filesystem(), request.path(),
                createdAt, chunker.describe(), entries, base.snapshotId());
        // Every chunk the manifest names is durable and indexed before the manifest exists.
        chunks.flush();
        String locator = manifests.put(manifest);
        long durationMs = (System.nanoTime() - started) / 1_000_000;
        return new SnapshotResult(manifest, locator, upload.bytesScanned(), upload.bytesUploaded(), upload.chunksNew(),
                upload.chunksReused(), durationMs, upload.filesRead(), upload.filesSkipped(), upload.bytesSkipped());
    }

    /** One snapshot's walk of its source: reads what the parent does not vouch for, uploads what is new. */
    private final class Walk {

        private final ParentSnapshot base;
        private final ChunkUpload upload;
        private final ProgressCounter progress;

        Walk(ParentSnapshot base, ChunkUpload upload, ProgressCounter progress) {
            this.base = base;
            this.upload = upload;
            this.progress = progress;
        }

        List<ManifestEntry> walk(Path source) throws IOException {
            List<ManifestEntry> entries = new ArrayList<>();
            BasicFileAttributes rootAttributes = Files.readAttributes(source, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (!rootAttributes.isDirectory()) {
                // A single file (or symlink) was asked for: it is the one entry, under its own name.
                ManifestEntry entry = entry(source, source.getFileName().toString(), rootAttributes);
                if (entry != null) {
                    entries.add(entry);
                }
                return entries;
            }
            List<Path> top = children(source);
            if (top == null) {
                throw new NoSuchFileException(source.toString(), null, "deleted while the snapshot started");
            }
            walk(source, top, entries);
            entries.sort(Comparator.comparing(ManifestEntry::path));
            return entries;
        }

        /**
         * Visits a directory's children in name order, depth first, so chunks are packed in the order a restore asks
         * for them (by path): neighbouring files sit side by side in a pack and come back in one ranged read. The
         * directory's own listing order (hash order on ext4) would scatter them over the packs.
         */
        private void walk(Path source, List<Path> children, List<ManifestEntry> entries) throws IOException {
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
                        entries.add(entry(child, relative(source, child), attributes));
                        walk(source, grandchildren, entries);
                    }
                } else if (!RestoreIndex.isIndexFile(child.getFileName().toString())) {
                    // An index file is a restore's record of this site's copy: meaningless anywhere else.
                    ManifestEntry entry = entry(child, relative(source, child), attributes);
                    if (entry != null) {
                        entries.add(entry);
                    }
                }
            }
        }

        private ManifestEntry entry(Path file, String path, BasicFileAttributes attributes) throws IOException {
            Instant mtime = attributes.lastModifiedTime().toInstant();
            if (attributes.isSymbolicLink()) {
                return ManifestEntry.symlink(path, PosixFiles.mode(file), mtime, Files.readSymbolicLink(file).toString());
            }
            if (attributes.isDirectory()) {
                return ManifestEntry.directory(path, PosixFiles.mode(file), mtime);
            }
            if (!attributes.isRegularFile()) {
                return null;
            }
            ProgressCounter.File fileProgress = progress.file(attributes.size());
            ManifestEntry unchanged = base.unchanged(path, attributes.size(), mtime);
            if (unchanged != null) {
                upload.reused(unchanged);
                fileProgress.done();
                return ManifestEntry.file(path, PosixFiles.mode(file), unchanged.size(), unchanged.mtime(), unchanged.chunks());
            }
            ManifestEntry read = read(file, path, fileProgress);
            fileProgress.done();
            return read;
        }

        /** Reads a file until one read saw it unchanged from start to end. */
        private ManifestEntry read(Path file, String path, ProgressCounter.File progress) throws IOException {
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
                    upload.fileRead();
                    return ManifestEntry.file(path, PosixFiles.mode(file), size, after.lastModifiedTime().toInstant(), hashes);
                }
                // Chunks of a torn read may have been stored; they are content-addressed and named by no manifest,
                // so retention collects them.
            }
            throw new SnapshotException(Reason.FILE_CHANGED, "File '" + path + "' changed while it was read, "
                    + READ_ATTEMPTS + " times in a row (" + file + "); snapshot it when it is not being written");
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

    private static String relative(Path source, Path file) {
        // Manifests use '/' whatever the platform, so they read the same everywhere.
        return source.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    }

}
