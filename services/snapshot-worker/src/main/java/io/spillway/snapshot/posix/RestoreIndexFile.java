package io.spillway.snapshot.posix;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.spillway.snapshot.domain.RestoreIndex;

/** The {@link RestoreIndex} on disk, at the top of a restored directory, and the {@code lstat} it compares files by. */
final class RestoreIndexFile {

    private static final String ATTRIBUTES = "unix:size,lastModifiedTime,ctime,ino,mode,isRegularFile";

    private RestoreIndexFile() {
    }

    /**
     * The index at {@code target}, or an empty one when there is none, it is unreadable, or the platform has no
     * ctime or inode to check files against.
     */
    static RestoreIndex read(Path target) {
        List<String> text;
        try {
            text = Files.readAllLines(target.resolve(RestoreIndex.FILE), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return RestoreIndex.empty();
        } catch (IOException e) {
            return RestoreIndex.empty();
        }
        return RestoreIndex.parse(text);
    }

    /** Writes the index beside its final name and renames it over, so a reader sees a whole one. */
    static void write(Path target, RestoreIndex.Writer index, Instant now) throws IOException {
        Path file = target.resolve(RestoreIndex.FILE);
        Path temporary = target.resolve(RestoreIndex.FILE + ".tmp");
        try (BufferedWriter out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
            index.writeTo(out, now);
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The file at {@code path} as one {@code lstat} shows it, or {@code null} when nothing is there. */
    static RestoreIndex.Local local(Path path) throws IOException {
        Map<String, Object> attributes;
        try {
            attributes = Files.readAttributes(path, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
        if (!(Boolean) attributes.get("isRegularFile")) {
            return new RestoreIndex.Local(-1, Instant.MIN, Instant.MIN, -1, -1);
        }
        return new RestoreIndex.Local((Long) attributes.get("size"),
                ((FileTime) attributes.get("lastModifiedTime")).toInstant(),
                ((FileTime) attributes.get("ctime")).toInstant(), (Long) attributes.get("ino"),
                ((Integer) attributes.get("mode")) & 0777);
    }

    /** Whether this platform shows ctime and inode numbers; without them nothing is trusted. */
    static boolean supported(Path directory) {
        try {
            Files.readAttributes(directory, "unix:ctime,ino", LinkOption.NOFOLLOW_LINKS);
            return true;
        } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
            return false;
        }
    }
}
