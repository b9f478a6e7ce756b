package io.spillway.bench.snapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Bytes a tool wrote to its bucket, measured the same way for every tool on s3proxy's filesystem storage: the sizes
 * of the object files that are new or rewritten (other size or mtime) since the previous look. Rewritten objects
 * count whole, so a tool that replaces an object pays for all of it, as it did on the wire; growth alone would hide
 * that.
 */
final class BucketMeter {

    private record Seen(long size, FileTime mtime) {
    }

    private final Path bucketDirectory;
    private Map<Path, Seen> seen;

    BucketMeter(Path bucketDirectory) {
        this.bucketDirectory = bucketDirectory;
        this.seen = look();
    }

    /** Bytes written since the previous call (or since this meter was made). */
    long bytesWrittenSinceLastLook() {
        Map<Path, Seen> now = look();
        long written = 0;
        for (Map.Entry<Path, Seen> object : now.entrySet()) {
            if (!object.getValue().equals(seen.get(object.getKey()))) {
                written += object.getValue().size();
            }
        }
        seen = now;
        return written;
    }

    /** Bytes the bucket holds. */
    long storedBytes() {
        return look().values().stream().mapToLong(Seen::size).sum();
    }

    private Map<Path, Seen> look() {
        Map<Path, Seen> objects = new HashMap<>();
        if (!Files.isDirectory(bucketDirectory)) {
            return objects;
        }
        try (Stream<Path> walk = Files.walk(bucketDirectory)) {
            for (Path file : (Iterable<Path>) walk::iterator) {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                if (attributes.isRegularFile()) {
                    objects.put(file, new Seen(attributes.size(), attributes.lastModifiedTime()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the bucket's storage " + bucketDirectory, e);
        }
        return objects;
    }
}
