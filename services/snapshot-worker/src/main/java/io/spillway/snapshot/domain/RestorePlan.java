package io.spillway.snapshot.domain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * What a restore does and in which order, decided without touching a disk: directories (parents first), then files
 * (those under the priority paths before any other, in batches), then symlinks, then the directories' modes and
 * mtimes (children first, since writing into a directory disturbs its mtime); and, for each file, from what an
 * {@code lstat} shows at its path and the {@link RestoreIndex} an earlier restore left, whether it is in place,
 * needs its content compared, or is fetched, and whether what is there is kept aside first.
 */
public final class RestorePlan {

    /**
     * Files up to this size are looked at in batches (one task: an lstat each, a read of those whose size matches);
     * a larger one, which may be read whole to compare, is a task of its own.
     */
    public static final long SMALL_FILE = 1024 * 1024;
    /** A batch of small files holds at most this many bytes ... */
    public static final long BATCH_BYTES = 8L * 1024 * 1024;
    /** ... and at most this many files. */
    public static final int BATCH_FILES = 256;

    private final List<ManifestEntry> entries;
    private final List<String> priorityPaths;
    private final List<ManifestEntry> directories = new ArrayList<>();
    private final List<ManifestEntry> files = new ArrayList<>();
    private final List<ManifestEntry> priorityFiles = new ArrayList<>();
    private final List<ManifestEntry> otherFiles = new ArrayList<>();
    private final List<ManifestEntry> symlinks = new ArrayList<>();

    private RestorePlan(List<ManifestEntry> entries, List<String> priorityPaths) {
        this.entries = entries;
        this.priorityPaths = priorityPaths;
        for (ManifestEntry entry : entries) {
            switch (entry.type()) {
                case DIR -> directories.add(entry);
                case FILE -> {
                    files.add(entry);
                    (isPriority(entry.path(), priorityPaths) ? priorityFiles : otherFiles).add(entry);
                }
                case SYMLINK -> symlinks.add(entry);
            }
        }
    }

    /** The plan for restoring {@code manifest}, the files under {@code priorityPaths} (prefixes) first. */
    public static RestorePlan of(Manifest manifest, List<String> priorityPaths) {
        List<ManifestEntry> entries = new ArrayList<>(manifest.entries());
        entries.sort(Comparator.comparing(ManifestEntry::path));
        return new RestorePlan(List.copyOf(entries),
                priorityPaths == null ? List.of() : List.copyOf(priorityPaths));
    }

    /** Every entry, by path: each is checked against the target before anything is written. */
    public List<ManifestEntry> entries() {
        return entries;
    }

    /** The path prefixes restored first. */
    public List<String> priorityPaths() {
        return priorityPaths;
    }

    /** The directories by path, so a parent is made before its children. */
    public List<ManifestEntry> directories() {
        return directories;
    }

    /** Every file, by path: all are counted before any is done, so progress totals are the whole snapshot's. */
    public List<ManifestEntry> files() {
        return files;
    }

    /** The files under the priority paths, by path: all in place before any other file is fetched. */
    public List<ManifestEntry> priorityFiles() {
        return priorityFiles;
    }

    /** The other files, by path. */
    public List<ManifestEntry> otherFiles() {
        return otherFiles;
    }

    /** The symlinks, by path, made once every file is in place. */
    public List<ManifestEntry> symlinks() {
        return symlinks;
    }

    /** The directories whose modes and mtimes are set last, children before their parents. */
    public List<ManifestEntry> directoriesToFinish() {
        List<ManifestEntry> reversed = new ArrayList<>(directories);
        Collections.reverse(reversed);
        return reversed;
    }

    /** Consecutive small files grouped into batches; every large file a batch of its own. */
    public static List<List<ManifestEntry>> batches(List<ManifestEntry> files) {
        List<List<ManifestEntry>> batches = new ArrayList<>();
        List<ManifestEntry> current = new ArrayList<>();
        long bytes = 0;
        for (ManifestEntry entry : files) {
            if (entry.size() > SMALL_FILE) {
                batches.add(List.of(entry));
                continue;
            }
            if (!current.isEmpty() && (bytes + entry.size() > BATCH_BYTES || current.size() >= BATCH_FILES)) {
                batches.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(entry);
            bytes += entry.size();
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }

    /** A prefix matches whole path segments: {@code data} covers {@code data/x}, not {@code database}. */
    public static boolean isPriority(String path, List<String> prefixes) {
        for (String prefix : prefixes) {
            String clean = prefix.replaceAll("^/+|/+$", "");
            if (clean.isEmpty() || path.equals(clean) || path.startsWith(clean + "/")) {
                return true;
            }
        }
        return false;
    }

    /** What is at a file's path before the restore writes it. */
    public enum Existing {
        /** Nothing. */
        NONE,
        /** A file an earlier restore left there, untouched since: a snapshot holds it. */
        RESTORED,
        /** Anything else: a local change, kept aside before it is replaced. */
        LOCAL
    }

    /** What a restore does with one file. */
    public enum Action {
        /** Left by an earlier restore with the entry's content, mode and mtime, untouched since: nothing to do. */
        IN_PLACE,
        /** A file of the entry's size is there: cut it by the manifest's chunking; equal hashes, nothing to fetch. */
        COMPARE,
        /** Fetch the content and write it. */
        WRITE
    }

    /**
     * @param existing what is at the path, should the file be written (after a comparison that found it different)
     */
    public record FileDecision(Action action, Existing existing) {
    }

    /**
     * What to do with a file, from what is at its path.
     *
     * @param local the file there as one {@code lstat} shows it (size -1 for anything not a regular file), or
     *        {@code null} when nothing is there
     * @param index what an earlier restore left here
     * @param canCompare whether the manifest's chunking is one this worker can cut a local file by
     */
    public static FileDecision decide(ManifestEntry entry, RestoreIndex.Local local, RestoreIndex index,
            boolean canCompare) {
        if (local == null) {
            return new FileDecision(Action.WRITE, Existing.NONE);
        }
        if (index.holds(entry.path(), local, entry)) {
            return new FileDecision(Action.IN_PLACE, Existing.RESTORED);
        }
        Existing existing = index.untouched(entry.path(), local) ? Existing.RESTORED : Existing.LOCAL;
        if (canCompare && local.size() == entry.size()) {
            return new FileDecision(Action.COMPARE, existing);
        }
        return new FileDecision(Action.WRITE, existing);
    }
}
