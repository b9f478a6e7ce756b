package io.spillway.snapshot.domain;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import io.spillway.snapshot.domain.SnapshotException.Reason;

/**
 * Takes a snapshot: walks a directory without following symlinks, cuts every file into chunks, stores each chunk
 * the store does not hold yet, and writes the manifest last, so a readable manifest always names stored chunks.
 * Blocking I/O from start to end: run it on a worker thread.
 *
 * <p>
 * Not yet: reusing the previous manifest so an unchanged file (same size and mtime) is not re-read; content-defined
 * chunking (see {@link Chunker}); uploading chunks in parallel.
 */
public final class SnapshotTaker {

    private static final HexFormat HEX = HexFormat.of();

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
        long started = System.nanoTime();
        Instant createdAt = clock.instant();
        if (!Files.exists(request.source(), LinkOption.NOFOLLOW_LINKS)) {
            throw new SnapshotException(Reason.FILESYSTEM_NOT_FOUND, "Nothing to snapshot: " + request.source()
                    + " does not exist (filesystem '" + request.filesystem() + "' at site '" + request.site() + "')");
        }
        Upload upload = new Upload();
        List<ManifestEntry> entries;
        try {
            entries = walk(request.source(), upload);
        } catch (IOException | UncheckedIOException e) {
            throw new SnapshotException(Reason.READ_FAILED, "Cannot read " + request.source() + ": " + e.getMessage(),
                    e);
        }
        Manifest manifest = new Manifest(request.snapshotId(), request.site(), request.filesystem(), request.path(),
                createdAt, chunker.describe(), entries);
        String locator = manifests.put(manifest);
        long durationMs = (System.nanoTime() - started) / 1_000_000;
        return new SnapshotResult(manifest, locator, upload.bytesScanned, upload.bytesUploaded, upload.chunksNew,
                upload.chunksReused, durationMs);
    }

    private List<ManifestEntry> walk(Path source, Upload upload) throws IOException {
        List<ManifestEntry> entries = new ArrayList<>();
        BasicFileAttributes rootAttributes = Files.readAttributes(source, BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        if (!rootAttributes.isDirectory()) {
            // A single file (or symlink) was asked for: it is the one entry, under its own name.
            ManifestEntry entry = entry(source, source.getFileName().toString(), rootAttributes, upload);
            if (entry != null) {
                entries.add(entry);
            }
            return entries;
        }
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                if (!dir.equals(source)) {
                    entries.add(entry(dir, relative(source, dir), attributes, upload));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                ManifestEntry entry = entry(file, relative(source, file), attributes, upload);
                if (entry != null) {
                    entries.add(entry);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    // Deleted while we walked: it is not part of this point in time.
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
        entries.sort(Comparator.comparing(ManifestEntry::path));
        return entries;
    }

    private ManifestEntry entry(Path file, String path, BasicFileAttributes attributes, Upload upload)
            throws IOException {
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
        List<String> hashes = new ArrayList<>();
        long size;
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            size = chunker.split(in, (data, length) -> hashes.add(upload.store(data, length)));
        }
        return ManifestEntry.file(path, mode(file), size, mtime, hashes);
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
        private long bytesScanned;
        private long bytesUploaded;
        private long chunksNew;
        private long chunksReused;

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
