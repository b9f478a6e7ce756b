package io.spillway.snapshot.posix;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import io.spillway.snapshot.domain.ManifestEntry;
import io.spillway.snapshot.domain.ProgressCounter;
import io.spillway.snapshot.domain.RestoreIndex;
import io.spillway.snapshot.domain.RestorePlan.Existing;
import io.spillway.snapshot.domain.SnapshotException;
import io.spillway.snapshot.domain.SnapshotException.Reason;

/**
 * One file being written beside its old self, at a temporary name in its directory, chunk by chunk at their offsets,
 * from whichever threads read them; renamed into place by the thread that writes its last chunk.
 */
final class FileWrite {

    private static final Set<OpenOption> NEW_FILE = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS);

    private final RestoreRun run;
    final ManifestEntry entry;
    private final Existing existing;
    final List<String> hashes;
    private final Path file;
    private final Path temporary;
    private final ProgressCounter.File progress;
    /** Chunk writes still to come (a chunk the file holds twice counts twice). */
    private final AtomicInteger remaining = new AtomicInteger();
    /** Guarded by this: the temporary file exists; the write was abandoned or is being put in place. */
    private boolean created;
    private boolean abandoned;
    private boolean finished;

    FileWrite(RestoreRun run, ManifestEntry entry, Path file, Existing existing) {
        this.run = run;
        this.entry = entry;
        this.existing = existing;
        this.hashes = entry.chunks();
        this.file = file;
        this.temporary = file.resolveSibling("." + file.getFileName() + ".spillway-" + run.restoreId());
        this.progress = run.progressOf(entry);
    }

    /** Where a chunk goes: the file and the offset in it. */
    record Target(FileWrite file, long position, int length) {
    }

    /**
     * Puts each of the file's chunks at its offset, from the lengths the store gave; a chunk the store does not hold,
     * or lengths that do not add up to the file, fail the restore before anything is fetched.
     */
    void place(Map<String, Integer> lengths, Map<String, List<Target>> targets) {
        long position = 0;
        for (String hash : hashes) {
            Integer length = lengths.get(hash);
            if (length == null) {
                throw new SnapshotException(Reason.CHUNK_CORRUPT, "Chunk " + hash + " of file '" + entry.path()
                        + "' is missing from the store");
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
     * A channel to the temporary file, for one reader: the first creates the file with the entry's permission bits
     * (less what the umask takes away), so most files need no chmod of their own; one an interrupted restore of the
     * same id left is replaced.
     */
    synchronized FileChannel open() throws IOException {
        if (abandoned) {
            throw new SnapshotException(Reason.WRITE_FAILED, "Restore " + run.restoreId()
                    + " stopped before file '" + entry.path() + "' was written");
        }
        if (created) {
            return FileChannel.open(temporary, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(temporary, NEW_FILE, PosixFiles.permissions(entry.mode()));
        } catch (FileAlreadyExistsException e) {
            Files.delete(temporary);
            channel = FileChannel.open(temporary, NEW_FILE, PosixFiles.permissions(entry.mode()));
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
        if (!run.indexed()) {
            PosixFiles.setMode(temporary, entry.mode());
        }
        PosixFiles.setTimes(temporary, entry.mtime());
        if (existing == Existing.LOCAL) {
            run.moveAside(entry.path(), file);
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        run.written(entry);
        if (run.indexed()) {
            // The index needs this lstat anyway (the rename changed the ctime); it also shows whether the umask took
            // bits the entry has, which only a chmod gives back.
            RestoreIndex.Local local = RestoreIndexFile.local(file);
            if (local.mode() != (entry.mode() & 0777)) {
                PosixFiles.setMode(file, entry.mode());
                local = RestoreIndexFile.local(file);
            }
            run.index(entry, local);
        }
    }

    /** After every read: a file still waiting for a chunk names the first one the store did not hand over. */
    void checkComplete(Set<String> delivered) {
        if (remaining.get() == 0) {
            return;
        }
        for (String hash : hashes) {
            if (!delivered.contains(hash)) {
                throw new SnapshotException(Reason.CHUNK_CORRUPT, "Chunk " + hash + " of file '" + entry.path()
                        + "' is missing from the store");
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
