package io.spillway.snapshot.repository;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import io.spillway.snapshot.domain.Chunker;
import io.spillway.snapshot.domain.Manifest;
import io.spillway.snapshot.domain.RestoreResult;
import io.spillway.snapshot.posix.SnapshotRestorer;
import io.spillway.snapshot.posix.SnapshotTaker;

/**
 * Runs the snapshot and restore path once over generated data, so the JIT has compiled it before the first real
 * restore: typically a burst, on a cloud site's worker that has just started, with jobs waiting. Measured on the
 * 2 GiB benchmark dataset, a worker's first restore spent about a second more CPU than its later ones, most of it
 * compiling and running not-yet-compiled code, on a machine where every core was already busy restoring
 * (docs/benchmarks.md). The data is generated under a scratch directory, snapshotted into memory (never into the
 * site's store) through the same repository, sealer kind, chunker and restorer a worker uses, restored there
 * {@code rounds} times, each restore checked, and deleted.
 */
public final class WarmUp {

    /** Enough files that the per-file and per-chunk code reaches C2's thresholds (thousands of calls). */
    public static final int DEFAULT_FILES = 2000;
    public static final int DEFAULT_ROUNDS = 3;
    /** One large file, so the path of a file made of many chunks is taken too. */
    static final int LARGE_FILE_BYTES = 8 << 20;
    /** Small files of 1 to 8 KiB: about 9 MiB in all, so that a copy fits in a container's 64 MiB /dev/shm. */
    static final int SMALL_FILE_MAX_BYTES = 8 << 10;

    /**
     * @param files the files of the generated tree, the large one included
     * @param restores how many times it was restored
     * @param bytes the bytes of one copy of the tree
     */
    public record Result(int files, int restores, long bytes, Duration took) {
    }

    private WarmUp() {
    }

    /**
     * Snapshots a generated tree into memory and restores it {@code rounds} times, each into a fresh directory,
     * under a new directory in {@code scratch}, which is deleted before returning, also on failure.
     *
     * @param encrypted whether to seal as an encrypting repository does (with a throwaway key)
     * @throws IllegalStateException when a restore wrote other than what was snapshotted (the restorer itself
     *         verifies every chunk's hash)
     */
    public static Result run(Path scratch, boolean encrypted, Chunker chunker, int restoreThreads, int files,
            int rounds) {
        if (files < 1 || rounds < 1) {
            throw new IllegalArgumentException("files and rounds must be at least 1: " + files + ", " + rounds);
        }
        long started = System.nanoTime();
        Path work;
        try {
            Files.createDirectories(scratch);
            work = Files.createTempDirectory(scratch, "spillway-warm-up-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a warm-up directory in " + scratch, e);
        }
        PackStore repository = new PackStore(new MemoryObjectStore(), sealer(encrypted));
        try {
            Path source = work.resolve("source");
            long bytes = generate(source, files);
            SnapshotTaker taker = new SnapshotTaker(chunker, repository, repository, Clock.systemUTC());
            String locator = taker.take(new SnapshotTaker.Request("warm-up", "warm-up", "warm-up", null, source))
                    .locator();
            Manifest manifest = repository.get(locator).orElseThrow();
            SnapshotRestorer restorer = new SnapshotRestorer(repository, restoreThreads);
            for (int round = 0; round < rounds; round++) {
                Path target = work.resolve("restore-" + round);
                RestoreResult restored = restorer.restore(new SnapshotRestorer.Request("warm-up-" + round,
                        manifest, target, List.of()));
                if (restored.files() != files || restored.bytesWritten() != bytes) {
                    throw new IllegalStateException("warm-up restore " + round + " wrote " + restored.files()
                            + " files, " + restored.bytesWritten() + " bytes; expected " + files + ", " + bytes);
                }
                delete(target);
            }
            return new Result(files, rounds, bytes, Duration.ofNanos(System.nanoTime() - started));
        } finally {
            repository.close();
            delete(work);
        }
    }

    private static Sealer sealer(boolean encrypted) {
        if (!encrypted) {
            return Sealer.none();
        }
        byte[] throwaway = new byte[32];
        new SecureRandom().nextBytes(throwaway);
        return Sealer.aes256Gcm(throwaway);
    }

    /** One large file and {@code files - 1} small ones in directories of 100, each with content of its own. */
    private static long generate(Path source, int files) {
        SplittableRandom random = new SplittableRandom(files);
        long bytes = 0;
        try {
            Files.createDirectories(source);
            byte[] large = new byte[LARGE_FILE_BYTES];
            random.nextBytes(large);
            Files.write(source.resolve("large.bin"), large);
            bytes += large.length;
            byte[] small = new byte[SMALL_FILE_MAX_BYTES];
            for (int i = 1; i < files; i++) {
                Path directory = source.resolve("dir-" + i / 100);
                if (i % 100 == 0 || i == 1) {
                    Files.createDirectories(directory);
                }
                int length = 1024 + random.nextInt(SMALL_FILE_MAX_BYTES - 1024 + 1);
                random.nextBytes(small);
                Files.write(directory.resolve("file-" + i), length == small.length ? small
                        : Arrays.copyOf(small, length));
                bytes += length;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the warm-up data under " + source, e);
        }
        return bytes;
    }

    private static void delete(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the warm-up data under " + root, e);
        }
    }
}
