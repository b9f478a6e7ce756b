package io.spillway.bench.snapshot;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The benchmark's site filesystem, the same for every tool and every run of the same seed and scale: a few large
 * files and many small ones, all incompressible, so no tool wins by compressing what a real site would not let it.
 *
 * <p>
 * At scale 1: {@value #LARGE_FILES} large files of about 1.5 GiB in all and {@value #SMALL_FILES} small files of 1 to
 * 64 KiB in 20 × 10 directories, about 2.1 GiB. Every file gets the same fixed mtime, {@link #GENERATED_MTIME}, so a
 * snapshot taken right after generation can trust it (snapshot-worker re-reads files modified within two seconds of
 * its parent) and the dataset's metadata is as deterministic as its content.
 */
public final class SnapshotDataset {

    static final int LARGE_FILES = 8;
    static final long LARGE_BYTES_AT_SCALE_1 = 1536L * 1024 * 1024;
    static final int SMALL_FILES = 20_000;
    static final int SMALL_MIN = 1024;
    static final int SMALL_MAX = 64 * 1024;
    static final int TOP_DIRECTORIES = 20;
    static final int SUB_DIRECTORIES = 10;
    static final Instant GENERATED_MTIME = Instant.parse("2026-01-01T00:00:00Z");

    /** Share of the dataset's bytes that {@link #change} rewrites. */
    static final double CHANGED_SHARE = 0.01;

    private static final int BUFFER = 1 << 20;

    private final Path root;
    private final long seed;
    private final List<Path> largeFiles = new ArrayList<>();
    private final List<Path> smallFiles = new ArrayList<>();
    private long totalBytes;

    private SnapshotDataset(Path root, long seed) {
        this.root = root;
        this.seed = seed;
    }

    /** What {@link #change} rewrote. */
    public record Change(int smallFilesRewritten, long smallBytesRewritten, Path largeFile, long largeOffset,
            long largeBytesOverwritten) {

        public long bytes() {
            return smallBytesRewritten + largeBytesOverwritten;
        }

        public int files() {
            return smallFilesRewritten + 1;
        }
    }

    /**
     * Writes the dataset under {@code root}, which must not exist yet or be empty.
     *
     * @param scale 1 for about 2.1 GiB; the large files' bytes and the number of small files scale with it
     */
    public static SnapshotDataset generate(Path root, double scale, long seed) {
        if (!(scale > 0)) {
            throw new IllegalArgumentException("--scale must be positive: " + scale);
        }
        SnapshotDataset dataset = new SnapshotDataset(root, seed);
        try {
            dataset.write(scale);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the dataset under " + root, e);
        }
        return dataset;
    }

    private void write(double scale) throws IOException {
        Files.createDirectories(root);
        SplittableRandom sizes = new SplittableRandom(seed);
        long largeAverage = Math.max(1, Math.round(LARGE_BYTES_AT_SCALE_1 * scale / LARGE_FILES));
        for (int i = 0; i < LARGE_FILES; i++) {
            // 75% to 125% of the average, so the files are not all cut at the same offsets.
            long size = largeAverage * 3 / 4 + sizes.nextLong(largeAverage / 2 + 1);
            Path file = root.resolve("large").resolve(String.format("volume-%02d.bin", i));
            writeRandom(file, size, seed * 1_000_003 + i);
            largeFiles.add(file);
        }
        int smallCount = Math.max(1, (int) Math.round(SMALL_FILES * scale));
        for (int i = 0; i < smallCount; i++) {
            int size = SMALL_MIN + sizes.nextInt(SMALL_MAX - SMALL_MIN + 1);
            Path file = root.resolve(String.format("dir-%02d/sub-%02d/file-%05d.dat", i % TOP_DIRECTORIES,
                    (i / TOP_DIRECTORIES) % SUB_DIRECTORIES, i));
            writeRandom(file, size, seed * 7_000_003 + 1_000_000 + i);
            smallFiles.add(file);
        }
    }

    private void writeRandom(Path file, long size, long contentSeed) throws IOException {
        Files.createDirectories(file.getParent());
        SplittableRandom content = new SplittableRandom(contentSeed);
        byte[] buffer = new byte[(int) Math.min(BUFFER, Math.max(size, 8))];
        try (OutputStream out = Files.newOutputStream(file)) {
            long left = size;
            while (left > 0) {
                int length = (int) Math.min(buffer.length, left);
                fill(content, buffer, length);
                out.write(buffer, 0, length);
                left -= length;
            }
        }
        Files.setLastModifiedTime(file, FileTime.from(GENERATED_MTIME));
        totalBytes += size;
    }

    private static void fill(SplittableRandom random, byte[] buffer, int length) {
        for (int i = 0; i < length; i += 8) {
            long value = random.nextLong();
            for (int b = 0; b < 8 && i + b < length; b++) {
                buffer[i + b] = (byte) (value >>> (8 * b));
            }
        }
    }

    /**
     * The "1% change": rewrites about {@link #CHANGED_SHARE} of the dataset's bytes, half as small files rewritten
     * whole (same size, new content) and half as one region in the middle of the first large file overwritten in
     * place. Every changed file gets {@code mtime}; the rest keep theirs. Deterministic for the dataset's seed.
     */
    public Change change(Instant mtime) {
        try {
            return doChange(mtime);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot change the dataset under " + root, e);
        }
    }

    private Change doChange(Instant mtime) throws IOException {
        long target = Math.round(totalBytes * CHANGED_SHARE);
        long smallTarget = target / 2;
        SplittableRandom pick = new SplittableRandom(seed ^ 0x5DEECE66DL);
        List<Path> candidates = new ArrayList<>(smallFiles);
        int rewritten = 0;
        long smallBytes = 0;
        while (smallBytes < smallTarget && !candidates.isEmpty()) {
            Path file = candidates.remove(pick.nextInt(candidates.size()));
            long size = Files.size(file);
            writeRandomInPlace(file, 0, size, pick.nextLong());
            Files.setLastModifiedTime(file, FileTime.from(mtime));
            smallBytes += size;
            rewritten++;
        }
        Path large = largeFiles.get(0);
        long largeSize = Files.size(large);
        long region = Math.min(largeSize, Math.max(0, target - smallBytes));
        long offset = (largeSize - region) / 2;
        writeRandomInPlace(large, offset, region, pick.nextLong());
        Files.setLastModifiedTime(large, FileTime.from(mtime));
        return new Change(rewritten, smallBytes, large, offset, region);
    }

    private static void writeRandomInPlace(Path file, long offset, long length, long contentSeed) throws IOException {
        SplittableRandom content = new SplittableRandom(contentSeed);
        byte[] buffer = new byte[(int) Math.min(BUFFER, Math.max(length, 8))];
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            out.seek(offset);
            long left = length;
            while (left > 0) {
                int chunk = (int) Math.min(buffer.length, left);
                fill(content, buffer, chunk);
                out.write(buffer, 0, chunk);
                left -= chunk;
            }
        }
    }

    public Path root() {
        return root;
    }

    /** Bytes of file content. */
    public long totalBytes() {
        return totalBytes;
    }

    public int files() {
        return largeFiles.size() + smallFiles.size();
    }

    public List<Path> largeFiles() {
        return List.copyOf(largeFiles);
    }

    public List<Path> smallFiles() {
        return List.copyOf(smallFiles);
    }
}
