package io.spillway.snapshot.domain;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.spillway.snapshot.domain.SnapshotException.Reason;

/**
 * Rebuilds a snapshot in a directory: directories, then files (priority paths first), then symlinks, then the
 * directories' modes and mtimes, which writing into them would otherwise disturb. Blocking I/O: run it on a worker
 * thread.
 *
 * <p>
 * Every chunk is checked against its SHA-256 before a byte of it is written, and every file is written to a temporary
 * name in its own directory and renamed into place, so a reader sees the old file or the whole new one, never a torn
 * one.
 *
 * <p>
 * Delta: a file an earlier restore left at the target, untouched since (its size, mtime, ctime and inode as the
 * {@link RestoreIndex} recorded them), is trusted without reading it: when the index says it was given the entry's
 * content it is not fetched, and when not, it is replaced without being kept aside, since a snapshot holds it. Any
 * other file already at the target with the manifest's size is cut by the manifest's chunking and its chunk hashes
 * compared with the manifest's. Equal hashes mean equal content: it is not fetched (its mode and mtime are set).
 * After the restore, the index is written anew for the next one.
 *
 * <p>
 * Local changes are never lost silently: anything at an entry's path that differs from the snapshot, and is not a
 * file an earlier restore left untouched, is moved to {@code <target>/.spillway-conflicts/<restoreId>/<path>} before
 * it is replaced, and listed in the result.
 */
public final class SnapshotRestorer {

    /** Where local files that the restore replaces are kept. */
    public static final String CONFLICTS = ".spillway-conflicts";

    /** Enough to overlap store round trips and disk writes, few enough not to starve the worker's other work. */
    public static final int DEFAULT_THREADS = 8;

    /**
     * Files up to this size are looked at in batches (one task: an lstat each, a read of those whose size matches);
     * a larger one, which may be read whole to compare, is a task of its own.
     */
    static final long SMALL_FILE = 1024 * 1024;
    /** A batch of small files holds at most this many bytes ... */
    static final long BATCH_BYTES = 8L * 1024 * 1024;
    /** ... and at most this many files. */
    static final int BATCH_FILES = 256;

    private static final HexFormat HEX = HexFormat.of();
    private static final Set<OpenOption> NEW_FILE = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS);
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(SnapshotRestorer::sha256);

    private final ChunkStore chunks;
    private final int threads;
    private final Clock clock;

    public SnapshotRestorer(ChunkStore chunks) {
        this(chunks, DEFAULT_THREADS);
    }

    public SnapshotRestorer(ChunkStore chunks, int threads) {
        this(chunks, threads, Clock.systemUTC());
    }

    /** @param clock dates the {@link RestoreIndex} a restore leaves */
    SnapshotRestorer(ChunkStore chunks, int threads, Clock clock) {
        if (threads < 1) {
            throw new IllegalArgumentException("Threads must be at least 1: " + threads);
        }
        this.chunks = chunks;
        this.threads = threads;
        this.clock = clock;
    }

    /**
     * What to restore where.
     *
     * @param restoreId names the conflicts directory; must be a safe id ({@link SnapshotLayout#requireSafeId})
     * @param target the directory the manifest's entries are relative to
     * @param priorityPaths path prefixes relative to the target, restored before every other file
     */
    public record Request(String restoreId, Manifest manifest, Path target, List<String> priorityPaths) {

        public Request {
            priorityPaths = priorityPaths == null ? List.of() : List.copyOf(priorityPaths);
        }
    }

    /**
     * Restores the snapshot.
     *
     * @throws SnapshotException {@link Reason#CHUNK_CORRUPT} naming the chunk and the file when a chunk is missing or
     *         damaged, {@link Reason#INVALID_REQUEST} for an entry whose path leaves the target,
     *         {@link Reason#WRITE_FAILED} when the target cannot be written, {@link Reason#OBJECT_STORE} from the store
     */
    public RestoreResult restore(Request request) {
        return restore(request, RestoreListener.NONE);
    }

    /**
     * Restores the snapshot, telling {@code listener} when the priority paths are in place and how far it has got.
     *
     * @throws SnapshotException as {@link #restore(Request)}
     */
    public RestoreResult restore(Request request, RestoreListener listener) {
        long started = System.nanoTime();
        SnapshotLayout.requireSafeId(request.restoreId());
        Path requestedTarget = request.target().toAbsolutePath().normalize();
        Run run;
        try {
            run = new Run(request, new ProgressCounter(listener::progress));
        } catch (IOException | UncheckedIOException e) {
            throw new SnapshotException(Reason.WRITE_FAILED, "Cannot restore into " + requestedTarget + ": "
                    + e.getMessage(), e);
        }
        try {
            List<ManifestEntry> entries = new ArrayList<>(request.manifest().entries());
            entries.sort(Comparator.comparing(ManifestEntry::path));
            for (ManifestEntry entry : entries) {
                run.pathOf(entry);
            }
            for (ManifestEntry entry : entries) {
                if (entry.type() == EntryType.DIR) {
                    run.directory(entry);
                }
            }
            List<ManifestEntry> priority = new ArrayList<>();
            List<ManifestEntry> rest = new ArrayList<>();
            for (ManifestEntry entry : entries) {
                if (entry.type() == EntryType.FILE) {
                    (isPriority(entry.path(), request.priorityPaths()) ? priority : rest).add(entry);
                }
            }
            run.countFiles(entries);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                // Priority files are all in place before any other file starts: a job waiting on them can begin.
                run.files(pool, priority);
                if (!request.priorityPaths().isEmpty()) {
                    listener.priorityPathsReady(request.priorityPaths());
                }
                run.files(pool, rest);
            } finally {
                pool.shutdownNow();
            }
            for (ManifestEntry entry : entries) {
                if (entry.type() == EntryType.SYMLINK) {
                    run.symlink(entry);
                }
            }
            for (int i = entries.size() - 1; i >= 0; i--) {
                if (entries.get(i).type() == EntryType.DIR) {
                    run.finishDirectory(entries.get(i));
                }
            }
            if (run.nextIndex != null) {
                run.nextIndex.writeTo(run.target, clock.instant());
            }
        } catch (IOException | UncheckedIOException e) {
            throw new SnapshotException(Reason.WRITE_FAILED, "Cannot restore into " + run.target + ": "
                    + e.getMessage(), e);
        }
        long durationMs = (System.nanoTime() - started) / 1_000_000;
        List<String> conflicts = new ArrayList<>(run.conflicts);
        Collections.sort(conflicts);
        return new RestoreResult(request.manifest().files(), run.bytesWritten.get(), run.filesSkipped.get(),
                run.bytesSkipped.get(), run.chunksFetched.get(), durationMs, conflicts, run.skippedSymlinks,
                run.filesTrusted.get());
    }

    /** Consecutive small files grouped into batches; every large file a batch of its own. */
    static List<List<ManifestEntry>> batches(List<ManifestEntry> files) {
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
    static boolean isPriority(String path, List<String> prefixes) {
        for (String prefix : prefixes) {
            String clean = prefix.replaceAll("^/+|/+$", "");
            if (clean.isEmpty() || path.equals(clean) || path.startsWith(clean + "/")) {
                return true;
            }
        }
        return false;
    }

    /** One restore's state; the file counters are shared by the pool's threads. */
    private final class Run {

        private final Request request;
        private final Path target;
        private final Path conflictsRoot;
        private final Optional<Chunker> chunker;
        private final List<String> conflicts = Collections.synchronizedList(new ArrayList<>());
        /** Directories known to exist under the target; shared by the pool's threads. */
        private final Set<Path> directories = ConcurrentHashMap.newKeySet();
        /**
         * Directories this restore created: nothing was in them to look at or keep aside, so their files are
         * written without an {@code lstat} (and its exception) each.
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

        Run(Request request, ProgressCounter progress) throws IOException {
            this.request = request;
            this.progress = progress;
            this.target = request.target().toAbsolutePath().normalize();
            this.conflictsRoot = target.resolve(CONFLICTS).resolve(request.restoreId());
            this.chunker = Chunkers.of(request.manifest().chunking());
            Files.createDirectories(target);
            boolean indexed = RestoreIndex.supported(target);
            this.index = indexed ? RestoreIndex.read(target) : RestoreIndex.empty();
            this.nextIndex = indexed ? new RestoreIndex.Writer() : null;
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
        void countFiles(List<ManifestEntry> entries) {
            List<ManifestEntry> files = entries.stream().filter(e -> e.type() == EntryType.FILE).toList();
            List<ProgressCounter.File> counted = progress.files(files.stream().map(ManifestEntry::size).toList());
            for (int i = 0; i < files.size(); i++) {
                fileProgress.put(files.get(i).path(), counted.get(i));
            }
        }

        void directory(ManifestEntry entry) throws IOException {
            Path dir = pathOf(entry);
            BasicFileAttributes existing = attributes(dir);
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
         * Makes sure a file's directory exists: the directory pass made every one the manifest names, so this
         * costs a set lookup, not a failed mkdir (and its exception) per file.
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
            setMode(dir, entry.mode());
            Files.setLastModifiedTime(dir, FileTime.from(entry.mtime()));
        }

        /**
         * Restores these files: first decides, in batches on the pool, which need their content (an earlier
         * restore's file or one with the same chunks is kept); then asks the store how it would read the chunks
         * those need and reads each group once, on the pool, writing every chunk at its offset in every file that
         * holds it. A file is renamed into place by whichever thread writes its last chunk.
         */
        void files(ExecutorService pool, List<ManifestEntry> files) throws IOException {
            List<Callable<List<FileWrite>>> deciding = new ArrayList<>();
            for (List<ManifestEntry> batch : batches(files)) {
                deciding.add(() -> decide(batch));
            }
            List<FileWrite> writes = new ArrayList<>();
            for (List<FileWrite> decided : runAll(pool, deciding)) {
                writes.addAll(decided);
            }
            if (writes.isEmpty()) {
                return;
            }
            boolean done = false;
            try {
                Set<String> needed = new LinkedHashSet<>();
                for (FileWrite write : writes) {
                    needed.addAll(write.hashes);
                }
                ChunkStore.ReadPlan plan = chunks.plan(needed);
                Map<String, List<Target>> targets = new HashMap<>();
                for (FileWrite write : writes) {
                    write.place(plan.lengths(), targets);
                }
                Set<String> delivered = ConcurrentHashMap.newKeySet();
                List<Callable<Void>> reading = new ArrayList<>();
                for (List<String> group : plan.groups()) {
                    reading.add(() -> {
                        readGroup(group, targets, delivered);
                        return null;
                    });
                }
                runAll(pool, reading);
                for (FileWrite write : writes) {
                    write.checkComplete(delivered);
                }
                done = true;
            } finally {
                if (!done) {
                    for (FileWrite write : writes) {
                        write.abandon();
                    }
                }
            }
        }

        /** Runs the tasks on the pool and returns their results in order; the first failure cancels the rest. */
        private <T> List<T> runAll(ExecutorService pool, List<Callable<T>> tasks) throws IOException {
            List<Future<T>> pending = new ArrayList<>();
            for (Callable<T> task : tasks) {
                pending.add(pool.submit(task));
            }
            List<T> results = new ArrayList<>();
            try {
                for (Future<T> future : pending) {
                    results.add(future.get());
                }
            } catch (InterruptedException e) {
                pending.forEach(future -> future.cancel(true));
                Thread.currentThread().interrupt();
                throw new SnapshotException(Reason.WRITE_FAILED, "Restore " + request.restoreId() + " interrupted",
                        e);
            } catch (ExecutionException e) {
                pending.forEach(future -> future.cancel(true));
                Throwable cause = e.getCause();
                if (cause instanceof SnapshotException snapshot) {
                    throw snapshot;
                }
                if (cause instanceof IOException io) {
                    throw io;
                }
                if (cause instanceof UncheckedIOException io) {
                    throw io.getCause();
                }
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new IllegalStateException(cause);
            }
            return results;
        }

        /**
         * Which files of the batch need their content written; the others are kept as they are (their mode and
         * times set), and an empty one is written at once.
         */
        private List<FileWrite> decide(List<ManifestEntry> batch) throws IOException {
            List<FileWrite> writes = new ArrayList<>();
            for (ManifestEntry entry : batch) {
                Path file = pathOf(entry);
                parentOf(file);
                RestoreIndex.Local local = created.contains(file.getParent()) ? null : look(file);
                if (local != null && index.holds(entry.path(), local, entry)) {
                    // Left here by an earlier restore with this content, and untouched since: nothing to do.
                    filesTrusted.incrementAndGet();
                    skipped(entry, local);
                } else if (local != null && local.size() == entry.size() && sameContent(file, entry)) {
                    setMode(file, entry.mode());
                    setTimes(file, entry, LinkOption.NOFOLLOW_LINKS);
                    skipped(entry, nextIndex == null ? null : RestoreIndex.local(file));
                } else {
                    FileWrite write = new FileWrite(entry, file, local == null ? Existing.NONE
                            : index.untouched(entry.path(), local) ? Existing.RESTORED : Existing.LOCAL);
                    if (write.hashes.isEmpty()) {
                        write.finish();
                    } else {
                        writes.add(write);
                    }
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
                return RestoreIndex.local(file);
            }
            BasicFileAttributes attributes = attributes(file);
            if (attributes == null) {
                return null;
            }
            return new RestoreIndex.Local(attributes.isRegularFile() ? attributes.size() : -1,
                    attributes.lastModifiedTime().toInstant(), Instant.MIN, -1, -1);
        }

        /**
         * Reads one group of chunks and writes each, once its hash is checked, at its offsets in the files that hold
         * it. The group's files stay open until it is read (a file's chunks are mostly neighbours); several groups
         * may write one file at once, at different offsets.
         */
        private void readGroup(List<String> group, Map<String, List<Target>> targets, Set<String> delivered)
                throws IOException {
            Map<FileWrite, FileChannel> open = new HashMap<>();
            boolean done = false;
            try {
                read(group, (hash, data, offset, length) -> {
                    List<Target> wanting = targets.get(hash);
                    if (wanting == null || !delivered.add(hash)) {
                        return;
                    }
                    ManifestEntry first = wanting.get(0).file().entry;
                    verify(hash, data, offset, length, first);
                    if (length != wanting.get(0).length()) {
                        throw new SnapshotException(Reason.CHUNK_CORRUPT, "Chunk " + hash + " of file '"
                                + first.path() + "' is " + length + " bytes; the store's index says "
                                + wanting.get(0).length());
                    }
                    chunksFetched.incrementAndGet();
                    try {
                        for (Target target : wanting) {
                            FileWrite write = target.file();
                            FileChannel channel = open.get(write);
                            if (channel == null) {
                                channel = write.open();
                                open.put(write, channel);
                            }
                            ByteBuffer buffer = ByteBuffer.wrap(data, offset, length);
                            long position = target.position();
                            while (buffer.hasRemaining()) {
                                position += channel.write(buffer, position);
                            }
                            if (write.written(length)) {
                                open.remove(write).close();
                                write.finish();
                            }
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }, targets.get(group.get(0)).get(0).file().entry);
                done = true;
            } finally {
                IOException closing = null;
                for (FileChannel channel : open.values()) {
                    try {
                        channel.close();
                    } catch (IOException e) {
                        closing = e;
                    }
                }
                if (done && closing != null) {
                    throw closing;
                }
            }
        }

        /** Reads chunks; a chunk the store cannot open is reported with the file that needs it. */
        private void read(Collection<String> hashes, ChunkStore.ChunkSink sink, ManifestEntry firstFile) {
            try {
                chunks.read(hashes, sink);
            } catch (SnapshotException e) {
                if (e.reason() != Reason.CHUNK_CORRUPT) {
                    throw e;
                }
                throw new SnapshotException(Reason.CHUNK_CORRUPT, "A chunk of file '" + firstFile.path()
                        + "' (or a file restored with it) is corrupt: " + e.getMessage(), e);
            }
        }

        /** Where a chunk goes: the file and the offset in it. */
        private record Target(FileWrite file, long position, int length) {
        }

        /**
         * One file being written beside its old self, at a temporary name in its directory, chunk by chunk at their
         * offsets, from whichever threads read them.
         */
        private final class FileWrite {
            final ManifestEntry entry;
            final Existing existing;
            final List<String> hashes;
            final Path file;
            final Path temporary;
            final ProgressCounter.File progress;
            /** Chunk writes still to come (a chunk the file holds twice counts twice). */
            final AtomicInteger remaining = new AtomicInteger();
            /** Guarded by this: the temporary file exists; the write was abandoned or is being put in place. */
            boolean created;
            boolean abandoned;
            boolean finished;

            FileWrite(ManifestEntry entry, Path file, Existing existing) {
                this.entry = entry;
                this.existing = existing;
                this.hashes = entry.chunks();
                this.file = file;
                this.temporary = file.resolveSibling("." + file.getFileName() + ".spillway-" + request.restoreId());
                this.progress = fileProgress.get(entry.path());
            }

            /**
             * Puts each of the file's chunks at its offset, from the lengths the store gave; a chunk the store does
             * not hold, or lengths that do not add up to the file, fail the restore before anything is fetched.
             */
            void place(Map<String, Integer> lengths, Map<String, List<Target>> targets) {
                long position = 0;
                for (String hash : hashes) {
                    Integer length = lengths.get(hash);
                    if (length == null) {
                        throw new SnapshotException(Reason.CHUNK_CORRUPT, "Chunk " + hash + " of file '"
                                + entry.path() + "' is missing from the store");
                    }
                    targets.computeIfAbsent(hash, h -> new ArrayList<>(1)).add(new Target(this, position, length));
                    position += length;
                }
                if (position != entry.size()) {
                    throw new SnapshotException(Reason.CHUNK_CORRUPT, "File '" + entry.path() + "' reassembles to "
                            + position + " bytes, the manifest says " + entry.size());
                }
                remaining.set(hashes.size());
            }

            /**
             * A channel to the temporary file, for one reader: the first creates the file with the entry's
             * permission bits (less what the umask takes away), so most files need no chmod of their own; one an
             * interrupted restore of the same id left is replaced.
             */
            synchronized FileChannel open() throws IOException {
                if (abandoned) {
                    throw new SnapshotException(Reason.WRITE_FAILED, "Restore " + request.restoreId()
                            + " stopped before file '" + entry.path() + "' was written");
                }
                if (created) {
                    return FileChannel.open(temporary, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
                }
                FileChannel channel;
                try {
                    channel = FileChannel.open(temporary, NEW_FILE, permissions(entry.mode()));
                } catch (FileAlreadyExistsException e) {
                    Files.delete(temporary);
                    channel = FileChannel.open(temporary, NEW_FILE, permissions(entry.mode()));
                }
                created = true;
                return channel;
            }

            /** @return true when this was the file's last chunk */
            boolean written(int length) {
                progress.advanced(length);
                return remaining.decrementAndGet() == 0;
            }

            /** Puts the whole file in place with its mode and times, keeping a local version aside first. */
            void finish() throws IOException {
                synchronized (this) {
                    if (abandoned) {
                        return;
                    }
                    finished = true;
                    if (!created) {
                        open().close(); // an empty file
                    }
                }
                if (nextIndex == null) {
                    setMode(temporary, entry.mode());
                }
                setTimes(temporary, entry);
                if (existing == Existing.LOCAL) {
                    moveAside(entry.path(), file);
                }
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                bytesWritten.addAndGet(entry.size());
                progress.done();
                if (nextIndex != null) {
                    // The index needs this lstat anyway (the rename changed the ctime); it also shows whether the
                    // umask took bits the entry has, which only a chmod gives back.
                    RestoreIndex.Local local = RestoreIndex.local(file);
                    if (local.mode() != (entry.mode() & 0777)) {
                        setMode(file, entry.mode());
                        local = RestoreIndex.local(file);
                    }
                    nextIndex.add(entry.path(), entry, local);
                }
            }

            /** After every read: a file still waiting for a chunk names the first one the store did not hand over. */
            void checkComplete(Set<String> delivered) {
                if (remaining.get() == 0) {
                    return;
                }
                for (String hash : hashes) {
                    if (!delivered.contains(hash)) {
                        throw new SnapshotException(Reason.CHUNK_CORRUPT, "Chunk " + hash + " of file '"
                                + entry.path() + "' is missing from the store");
                    }
                }
                throw new IllegalStateException("File '" + entry.path() + "' has every chunk and is not complete");
            }

            /** After a failure: nothing half-written is left behind; a file already being put in place stays. */
            synchronized void abandon() throws IOException {
                if (finished) {
                    return;
                }
                abandoned = true;
                if (created) {
                    Files.deleteIfExists(temporary);
                }
            }
        }

        /** Compares a chunk with its name before a byte of it is written. */
        private void verify(String hash, byte[] data, int offset, int length, ManifestEntry file) {
            MessageDigest sha256 = SHA256.get();
            sha256.update(data, offset, length);
            String actual = HEX.formatHex(sha256.digest());
            if (!actual.equals(hash)) {
                throw new SnapshotException(Reason.CHUNK_CORRUPT, "Chunk " + hash + " of file '" + file.path()
                        + "' is corrupt: its content hashes to " + actual);
            }
        }

        /** Cuts the local file by the manifest's chunking and compares the chunk hashes: no fetch needed. */
        private boolean sameContent(Path file, ManifestEntry entry) throws IOException {
            if (chunker.isEmpty()) {
                return false;
            }
            MessageDigest sha256 = sha256();
            List<String> hashes = new ArrayList<>();
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                chunker.get().split(in, (data, length) -> {
                    sha256.update(data, 0, length);
                    hashes.add(HEX.formatHex(sha256.digest()));
                });
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
            BasicFileAttributes existing = attributes(link);
            if (existing != null) {
                if (existing.isSymbolicLink() && Files.readSymbolicLink(link).equals(linkTarget)) {
                    return;
                }
                moveAside(entry.path(), link);
            }
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, linkTarget);
            try {
                Files.getFileAttributeView(link, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setTimes(FileTime.from(entry.mtime()), null, null);
            } catch (IOException | UnsupportedOperationException e) {
                // A link's own mtime is cosmetic; platforms that cannot set it keep the time of creation.
            }
        }

        private void moveAside(String path, Path existing) throws IOException {
            Path aside = conflictsRoot.resolve(path);
            Files.createDirectories(aside.getParent());
            try {
                Files.move(existing, aside, LinkOption.NOFOLLOW_LINKS);
            } catch (FileAlreadyExistsException e) {
                // The same restore id ran before and kept a version here; the older keeper stays, this one is kept
                // next to it.
                Files.move(existing, aside.resolveSibling(aside.getFileName() + "." + System.nanoTime()),
                        LinkOption.NOFOLLOW_LINKS);
            }
            conflicts.add(path);
        }

        private static BasicFileAttributes attributes(Path path) throws IOException {
            try {
                return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                return null;
            }
        }
    }

    /** What is at a file's path before the restore writes it. */
    private enum Existing {
        /** Nothing. */
        NONE,
        /** A file an earlier restore left there, untouched since: a snapshot holds it. */
        RESTORED,
        /** Anything else: a local change, kept aside before it is replaced. */
        LOCAL
    }

    /**
     * Sets mtime (and atime, to the same) in one call: giving only the mtime makes the JDK read the attributes first.
     * Without {@link LinkOption#NOFOLLOW_LINKS} (for a file this restore created as a regular file and holds the only
     * name of) the JDK also skips its {@code lstat} for a symlink check before it opens the file for
     * {@code futimens}.
     */
    private static void setTimes(Path path, ManifestEntry entry, LinkOption... options) throws IOException {
        FileTime mtime = FileTime.from(entry.mtime());
        Files.getFileAttributeView(path, BasicFileAttributeView.class, options).setTimes(mtime, mtime, null);
    }

    /** The permission bits; setuid, setgid and sticky are not restored (the JDK cannot set them). */
    private static void setMode(Path path, int mode) throws IOException {
        try {
            Files.setPosixFilePermissions(path, permissionSet(mode));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX filesystem: there are no modes to restore.
        }
    }

    /** The mode's permission bits as a file's attribute at creation; none where the platform has no POSIX modes. */
    private static FileAttribute<?>[] permissions(int mode) {
        return POSIX ? new FileAttribute<?>[] { PosixFilePermissions.asFileAttribute(permissionSet(mode)) }
                : new FileAttribute<?>[0];
    }

    private static Set<PosixFilePermission> permissionSet(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] all = PosixFilePermission.values();
        for (int i = 0; i < all.length; i++) {
            if ((mode & (1 << (8 - i))) != 0) {
                permissions.add(all[i]);
            }
        }
        return permissions;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
    }
}
