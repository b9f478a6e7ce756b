package io.spillway.snapshot.domain;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 *
 * <p>
 * This class is the index as data and its text form; reading and writing the file, and the {@code lstat} that shows
 * a {@link Local}, are the {@code posix} adapter's ({@code RestoreIndexFile}).
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

    /**
     * A regular file at the target as one {@code lstat} shows it; anything else there has size -1 (and, where the
     * platform shows no ctime and inode, {@link Instant#MIN} and -1 for them).
     */
    public record Local(long size, Instant mtime, Instant ctime, long inode, int mode) {
    }

    /** Whether a file of this name is an index (or one being written); snapshots leave them out. */
    public static boolean isIndexFile(String name) {
        return name.equals(FILE) || name.equals(FILE + ".tmp");
    }

    /** An index that trusts nothing. */
    public static RestoreIndex empty() {
        return new RestoreIndex(Map.of(), Instant.MIN);
    }

    /**
     * The index in {@code text}, the lines of its file; an empty one when the text is not an index or is damaged (a
     * damaged index only costs reading the files again).
     */
    public static RestoreIndex parse(List<String> text) {
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
            return empty();
        }
    }

    /**
     * Whether the file at {@code path} is exactly what an earlier restore left there: then it holds the content of
     * that restore's line, and replacing it loses nothing a snapshot does not hold.
     */
    public boolean untouched(String path, Local local) {
        Line line = lines.get(path);
        return line != null && line.looksLike(local) && line.ctime().isBefore(writtenAt.minus(RACY));
    }

    /** Whether the untouched file at {@code path} already has the entry's content, mtime and mode. */
    public boolean holds(String path, Local local, ManifestEntry entry) {
        Line line = lines.get(path);
        return untouched(path, local) && line.chunks().equals(digest(entry.chunks()))
                && local.size() == entry.size() && local.mtime().equals(entry.mtime())
                && local.mode() == (entry.mode() & 0777);
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
    public static final class Writer {

        private final Map<String, Line> lines = new ConcurrentHashMap<>();

        public void add(String path, ManifestEntry entry, Local local) {
            lines.put(path, new Line(digest(entry.chunks()), local.size(), local.mtime(), local.ctime(),
                    local.inode(), local.mode()));
        }

        /** The index's text, dated {@code now}, line by line into {@code out}. */
        public void writeTo(Appendable out, Instant now) throws IOException {
            out.append(FORMAT + "\t" + now + "\n");
            for (Map.Entry<String, Line> entry : lines.entrySet()) {
                Line line = entry.getValue();
                out.append(line.chunks() + "\t" + line.size() + "\t" + line.mtime() + "\t" + line.ctime() + "\t"
                        + line.inode() + "\t" + Integer.toOctalString(line.mode()) + "\t" + escape(entry.getKey())
                        + "\n");
            }
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
