package io.spillway.snapshot.posix;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;

import io.spillway.snapshot.domain.ChunkHash;
import io.spillway.snapshot.domain.ChunkStore;
import io.spillway.snapshot.domain.Chunker;
import io.spillway.snapshot.domain.Chunkers;
import io.spillway.snapshot.domain.ManifestEntry;
import io.spillway.snapshot.domain.ProgressCounter;
import io.spillway.snapshot.domain.RestoreIndex;
import io.spillway.snapshot.domain.RestorePlan;
import io.spillway.snapshot.domain.RestorePlan.Action;
import io.spillway.snapshot.domain.RestorePlan.FileDecision;
import io.spillway.snapshot.domain.SnapshotException;
import io.spillway.snapshot.domain.SnapshotException.Reason;

/**
 * One restore's work on the target directory: what its {@link RestorePlan} decides, done on disk. The file counters
 * and the sets of known directories are shared by the restore's pool.
 */
final class RestoreRun {

    private final SnapshotRestorer.Request request;
    private final ChunkStore chunks;
    private final Path target;
    private final Path conflictsRoot;
    private final Optional<Chunker> chunker;
    private final List<String> conflicts = Collections.synchronizedList(new ArrayList<>());
    /** Directories known to exist under the target; shared by the pool's threads. */
    private final Set<Path> directories = ConcurrentHashMap.newKeySet();
    /**
     * Directories this restore created: nothing was in them to look at or keep aside, so their files are written
     * without an {@code lstat} (and its exception) each.
     */
    private final Set<Path> created = ConcurrentHashMap.newKeySet();
    private final List<String> skippedSymlinks = new ArrayList<>();
    private final AtomicLong bytesWritten = new AtomicLong();
    private final AtomicLong filesSkipped = new AtomicLong();
    private final AtomicLong filesTrusted = new AtomicLong();
    private final AtomicLong bytesSkipped = new AtomicLong();
    private final AtomicLong chunksFetched = new AtomicLong();
    private final ProgressCounter progress;
    /** Each file's share of the progress, by path; filled before the pool starts, only read by it. */
    private final Map<String, ProgressCounter.File> fileProgress = new HashMap<>();
    /** What an earlier restore left here; empty where the platform shows no ctime and inode. */
    private final RestoreIndex index;
    /** What this restore leaves for the next one; {@code null} where the platform cannot check it. */
    private final RestoreIndex.Writer nextIndex;

    RestoreRun(SnapshotRestorer.Request request, ChunkStore chunks, ProgressCounter progress) throws IOException {
        this.request = request;
        this.chunks = chunks;
        this.progress = progress;
        this.target = request.target().toAbsolutePath().normalize();
        this.conflictsRoot = target.resolve(SnapshotRestorer.CONFLICTS).resolve(request.restoreId());
        this.chunker = Chunkers.of(request.manifest().chunking());
        Files.createDirectories(target);
        boolean indexed = RestoreIndexFile.supported(target);
        this.index = indexed ? RestoreIndexFile.read(target) : RestoreIndex.empty();
        this.nextIndex = indexed ? new RestoreIndex.Writer() : null;
    }

    Path target() {
        return target;
    }

    String restoreId() {
        return request.restoreId();
    }

    /** The entry's path under the target; a manifest entry that would climb out of it is refused. */
    Path pathOf(ManifestEntry entry) {
        Path relative = Path.of(entry.path());
        Path resolved = target.resolve(relative).normalize();
        if (entry.path().isEmpty() || relative.isAbsolute() || !resolved.startsWith(target)
                || resolved.equals(target)) {
            throw new SnapshotException(Reason.INVALID_REQUEST, "Manifest entry '" + entry.path()
                    + "' does not name a path inside " + target);
        }
        return resolved;
    }

    /** Every file is counted before any is done, so the totals are the whole snapshot's in every report. */
    void countFiles(List<ManifestEntry> files) {
        List<ProgressCounter.File> counted = progress.files(files.stream().map(ManifestEntry::size).toList());
        for (int i = 0; i < files.size(); i++) {
            fileProgress.put(files.get(i).path(), counted.get(i));
        }
    }

    void directory(ManifestEntry entry) throws IOException {
        Path dir = pathOf(entry);
        BasicFileAttributes existing = PosixFiles.attributes(dir);
        if (existing != null && !existing.isDirectory()) {
            moveAside(entry.path(), dir);
        }
        Files.createDirectories(dir);
        directories.add(dir);
        if (existing == null || !existing.isDirectory()) {
            created.add(dir);
        }
    }

    /**
     * Makes sure a file's directory exists: the directory pass made every one the manifest names, so this costs a set
     * lookup, not a failed mkdir (and its exception) per file.
     */
    private void parentOf(Path file) throws IOException {
        Path parent = file.getParent();
        if (!directories.contains(parent)) {
            Files.createDirectories(parent);
            directories.add(parent);
        }
    }

    void finishDirectory(ManifestEntry entry) throws IOException {
        Path dir = pathOf(entry);
        PosixFiles.setMode(dir, entry.mode());
        Files.setLastModifiedTime(dir, FileTime.from(entry.mtime()));
    }

    /**
     * Restores these files: first decides, in batches on the pool, which need their content (an earlier restore's
     * file or one with the same chunks is kept); then fetches the chunks those need ({@link ChunkFetch}).
     */
    void files(ExecutorService pool, List<ManifestEntry> files) throws IOException {
        List<Callable<List<FileWrite>>> deciding = new ArrayList<>();
        for (List<ManifestEntry> batch : RestorePlan.batches(files)) {
            deciding.add(() -> decide(batch));
        }
        List<FileWrite> writes = new ArrayList<>();
        for (List<FileWrite> decided : ChunkFetch.runAll(pool, deciding, request.restoreId())) {
            writes.addAll(decided);
        }
        if (!writes.isEmpty()) {
            new ChunkFetch(this, chunks).fetch(pool, writes);
        }
    }

    /**
     * Which files of the batch need their content written; the others are kept as they are (their mode and times
     * set), and an empty one is written at once.
     */
    private List<FileWrite> decide(List<ManifestEntry> batch) throws IOException {
        List<FileWrite> writes = new ArrayList<>();
        for (ManifestEntry entry : batch) {
            Path file = pathOf(entry);
            parentOf(file);
            RestoreIndex.Local local = created.contains(file.getParent()) ? null : look(file);
            FileDecision decision = RestorePlan.decide(entry, local, index, chunker.isPresent());
            if (decision.action() == Action.IN_PLACE) {
                // Left here by an earlier restore with this content, and untouched since: nothing to do.
                filesTrusted.incrementAndGet();
                skipped(entry, local);
                continue;
            }
            if (decision.action() == Action.COMPARE && sameContent(file, entry)) {
                PosixFiles.setMode(file, entry.mode());
                PosixFiles.setTimes(file, entry.mtime(), LinkOption.NOFOLLOW_LINKS);
                skipped(entry, nextIndex == null ? null : RestoreIndexFile.local(file));
                continue;
            }
            FileWrite write = new FileWrite(this, entry, file, decision.existing());
            if (entry.chunks().isEmpty()) {
                write.finish();
            } else {
                writes.add(write);
            }
        }
        return writes;
    }

    private void skipped(ManifestEntry entry, RestoreIndex.Local local) {
        filesSkipped.incrementAndGet();
        bytesSkipped.addAndGet(entry.size());
        fileProgress.get(entry.path()).done();
        if (nextIndex != null && local != null) {
            nextIndex.add(entry.path(), entry, local);
        }
    }

    /** The file at the entry's path in one {@code lstat}, or {@code null} when there is none. */
    private RestoreIndex.Local look(Path file) throws IOException {
        if (nextIndex != null) {
            return RestoreIndexFile.local(file);
        }
        BasicFileAttributes attributes = PosixFiles.attributes(file);
        if (attributes == null) {
            return null;
        }
        return new RestoreIndex.Local(attributes.isRegularFile() ? attributes.size() : -1,
                attributes.lastModifiedTime().toInstant(), Instant.MIN, -1, -1);
    }

    /** Cuts the local file by the manifest's chunking and compares the chunk hashes: no fetch needed. */
    private boolean sameContent(Path file, ManifestEntry entry) throws IOException {
        if (chunker.isEmpty()) {
            return false;
        }
        List<String> hashes = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            chunker.get().split(in, (data, length) -> hashes.add(ChunkHash.of(data, 0, length)));
        }
        return hashes.equals(entry.chunks());
    }

    void symlink(ManifestEntry entry) throws IOException {
        Path link = pathOf(entry);
        Path linkTarget = Path.of(entry.target());
        if (linkTarget.isAbsolute() || !link.getParent().resolve(linkTarget).normalize().startsWith(target)) {
            // Lexical check: every symlink restored is checked the same way, so no chain of them leaves either.
            skippedSymlinks.add(entry.path());
            return;
        }
        BasicFileAttributes existing = PosixFiles.attributes(link);
        if (existing != null) {
            if (existing.isSymbolicLink() && Files.readSymbolicLink(link).equals(linkTarget)) {
                return;
            }
            moveAside(entry.path(), link);
        }
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, linkTarget);
        try {
            PosixFiles.setLinkTime(link, entry.mtime());
        } catch (IOException | UnsupportedOperationException e) {
            // A link's own mtime is cosmetic; platforms that cannot set it keep the time of creation.
        }
    }

    /** Moves what is at {@code existing} to the conflicts directory, under the entry's path. */
    void moveAside(String path, Path existing) throws IOException {
        Path aside = conflictsRoot.resolve(path);
        Files.createDirectories(aside.getParent());
        try {
            Files.move(existing, aside, LinkOption.NOFOLLOW_LINKS);
        } catch (FileAlreadyExistsException e) {
            // The same restore id ran before and kept a version here; the older keeper stays, this one is kept next
            // to it.
            Files.move(existing, aside.resolveSibling(aside.getFileName() + "." + System.nanoTime()),
                    LinkOption.NOFOLLOW_LINKS);
        }
        conflicts.add(path);
    }

    /** The file's share of the progress. */
    ProgressCounter.File progressOf(ManifestEntry entry) {
        return fileProgress.get(entry.path());
    }

    /** Whether this restore leaves an index (then every file it writes is looked at once more after its rename). */
    boolean indexed() {
        return nextIndex != null;
    }

    /** A file is in place with the entry's content. */
    void written(ManifestEntry entry) {
        bytesWritten.addAndGet(entry.size());
        progressOf(entry).done();
    }

    /** How a file this restore wrote looks now, for the next restore to trust it. */
    void index(ManifestEntry entry, RestoreIndex.Local local) {
        nextIndex.add(entry.path(), entry, local);
    }

    void chunkFetched() {
        chunksFetched.incrementAndGet();
    }

    /** Leaves the index for the next restore, dated {@code now}, where the platform can check it. */
    void writeIndex(Instant now) throws IOException {
        if (nextIndex != null) {
            RestoreIndexFile.write(target, nextIndex, now);
        }
    }

    List<String> conflicts() {
        return conflicts;
    }

    List<String> skippedSymlinks() {
        return skippedSymlinks;
    }

    long bytesWritten() {
        return bytesWritten.get();
    }

    long filesSkipped() {
        return filesSkipped.get();
    }

    long filesTrusted() {
        return filesTrusted.get();
    }

    long bytesSkipped() {
        return bytesSkipped.get();
    }

    long chunksFetched() {
        return chunksFetched.get();
    }
}
