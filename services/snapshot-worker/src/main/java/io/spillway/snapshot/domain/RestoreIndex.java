package io.spillway.snapshot.domain;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a restore left in a directory, so the next restore there can trust what it finds without reading it: for
 * each file, the content it was given (a digest of its chunk list) and how it looked right after (size, mtime,
 * ctime, inode). A file that still looks exactly like that has not been touched since, as git trusts its index: any
 * write, chmod, touch or replacement changes the ctime (or the inode), and nobody can set a ctime back.
 *
 * <p>
 * Kept in {@value #FILE} at the restore's target. It is written after the restore (a crash leaves the previous one,
 * which stays right: every file a restore rewrites gets a new ctime and no longer matches its old line). Entries
 * whose ctime falls within {@link #RACY} of the index's own time are not trusted: a change made in the same clock
 * tick as the restore's last write could keep the ctime (as git distrusts "racily clean" entries).
 */
public final class RestoreIndex {

    /** The index file's name, at the top of the restored directory; snapshots leave it out. */
    public static final String FILE = ".spillway-restore-index";

    /**
     * A kernel tick bounds the ctime granularity of Linux's local and parallel filesystems; files the restore touched
     * in its last moments are read again next time rather than trusted.
     */
    static final Duration RACY = Duration.ofMillis(100);

    private static final String FORMAT = "spillway.restore-index.v1";
    private static final String ATTRIBUTES = "unix:size,lastModifiedTime,ctime,ino,mode,isRegularFile";
    private static final HexFormat HEX = HexFormat.of();

    private final Map<String, Line> lines;
    private final Instant writtenAt;

    private RestoreIndex(Map<String, Line> lines, Instant writtenAt) {
        this.lines = lines;
        this.writtenAt = writtenAt;
    }

    /** How a regular file looked, as a restore saw it right after writing it, and which content it was given. */
    record Line(String chunks, long size, Instant mtime, Instant ctime, long inode, int mode) {

        boolean looksLike(Local local) {
            return local.size() == size && local.mtime().equals(mtime) && local.ctime().equals(ctime)
                    && local.inode() == inode && local.mode() == mode;
        }
    }

    /** A regular file at the target as one {@code lstat} shows it. */
    record Local(long size, Instant mtime, Instant ctime, long inode, int mode) {
    }

    /** Whether a file of this name is an index (or one being written); snapshots leave them out. */
    public static boolean isIndexFile(String name) {
        return name.equals(FILE) || name.equals(FILE + ".tmp");
    }

    /** An index that trusts nothing. */
    static RestoreIndex empty() {
        return new RestoreIndex(Map.of(), Instant.MIN);
    }

    /**
     * The index at {@code target}, or an empty one when there is none, it is unreadable, or the platform has no
     * ctime or inode to check files against.
     */
    static RestoreIndex read(Path target) {
        Path file = target.resolve(FILE);
        List<String> text;
        try {
            text = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return empty();
        } catch (IOException e) {
            return empty();
        }
        if (text.isEmpty() || !text.get(0).startsWith(FORMAT + "\t")) {
            return empty();
        }
        try {
            Instant writtenAt = Instant.parse(text.get(0).substring(FORMAT.length() + 1));
            Map<String, Line> lines = new ConcurrentHashMap<>(text.size() * 2);
            for (int i = 1; i < text.size(); i++) {
                String[] fields = text.get(i).split("\t", 7);
                lines.put(unescape(fields[6]), new Line(fields[0], Long.parseLong(fields[1]),
                        Instant.parse(fields[2]), Instant.parse(fields[3]), Long.parseLong(fields[4]),
                        Integer.parseInt(fields[5], 8)));
            }
            return new RestoreIndex(lines, writtenAt);
        } catch (RuntimeException e) {
            // A damaged index only costs reading the files again.
            return empty();
        }
    }

    /**
     * Whether the file at {@code path} is exactly what an earlier restore left there: then it holds the content of
     * that restore's line, and replacing it loses nothing a snapshot does not hold.
     */
    boolean untouched(String path, Local local) {
        Line line = lines.get(path);
        return line != null && line.looksLike(local) && line.ctime().isBefore(writtenAt.minus(RACY));
    }

    /** Whether the untouched file at {@code path} already has the entry's content, mtime and mode. */
    boolean holds(String path, Local local, ManifestEntry entry) {
        Line line = lines.get(path);
        return untouched(path, local) && line.chunks().equals(digest(entry.chunks()))
                && local.size() == entry.size() && local.mtime().equals(entry.mtime())
                && local.mode() == (entry.mode() & 0777);
    }

    /** The file at {@code path} as one {@code lstat} shows it, or {@code null} when nothing is there. */
    static Local local(Path path) throws IOException {
        Map<String, Object> attributes;
        try {
            attributes = Files.readAttributes(path, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
        if (!(Boolean) attributes.get("isRegularFile")) {
            return new Local(-1, Instant.MIN, Instant.MIN, -1, -1);
        }
        return new Local((Long) attributes.get("size"), ((FileTime) attributes.get("lastModifiedTime")).toInstant(),
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

    /** A short digest of a file's chunk list: equal digests, equal content. */
    static String digest(List<String> chunks) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            for (String chunk : chunks) {
                sha256.update(chunk.getBytes(StandardCharsets.US_ASCII));
                sha256.update((byte) ',');
            }
            return HEX.formatHex(sha256.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
    }

    /** Collects the lines of the index a restore leaves behind; safe for the restore's threads. */
    static final class Writer {

        private final Map<String, Line> lines = new ConcurrentHashMap<>();

        void add(String path, ManifestEntry entry, Local local) {
            lines.put(path, new Line(digest(entry.chunks()), local.size(), local.mtime(), local.ctime(),
                    local.inode(), local.mode()));
        }

        /** Writes the index beside its final name and renames it over, so a reader sees a whole one. */
        void writeTo(Path target, Instant now) throws IOException {
            Path file = target.resolve(FILE);
            Path temporary = target.resolve(FILE + ".tmp");
            try (BufferedWriter out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                out.write(FORMAT + "\t" + now + "\n");
                for (Map.Entry<String, Line> entry : lines.entrySet()) {
                    Line line = entry.getValue();
                    out.write(line.chunks() + "\t" + line.size() + "\t" + line.mtime() + "\t" + line.ctime() + "\t"
                            + line.inode() + "\t" + Integer.toOctalString(line.mode()) + "\t"
                            + escape(entry.getKey()) + "\n");
                }
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Paths may hold tabs and newlines; the index is one line per file. */
    static String escape(String path) {
        return path.replace("%", "%25").replace("\t", "%09").replace("\n", "%0A").replace("\r", "%0D");
    }

    static String unescape(String path) {
        return path.replace("%0D", "\r").replace("%0A", "\n").replace("%09", "\t").replace("%25", "%");
    }
}
