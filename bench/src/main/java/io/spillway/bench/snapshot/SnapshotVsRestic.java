package io.spillway.bench.snapshot;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.spillway.platform.S3Proxy;
import io.spillway.snapshot.domain.SnapshotLayout;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Snap-to-object against restic and rclone, in one run, on the same generated dataset and the same s3proxy: each
 * tool's full snapshot, its incremental after a 1% change, and a full restore of the latest snapshot, every one a
 * child process timed by GNU time. A restore that differs from the source is reported as wrong, not timed.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.spillway.bench.snapshot.SnapshotVsRestic [--scale 1] [--seed 42]
 *     [--work DIR] [--out FILE]
 * </pre>
 *
 * See bench/README.md; bench/snapshot-vs-restic.sh checks the tools and builds first.
 */
public final class SnapshotVsRestic {

    /** Marks a work directory as this benchmark's, so a later run may empty it. */
    static final String MARKER = ".snapshot-vs-restic";
    static final String RESTIC_PASSWORD = "spillway-bench";

    enum Operation {
        FULL("full"),
        INCREMENTAL("incremental (1% changed)"),
        RESTORE("restore"),
        /**
         * The same restore once more, into an empty directory again: a long-running worker has restored before,
         * and its JIT has compiled the restore path; restic, a new process each time, is measured the same way.
         */
        RESTORE_AGAIN("restore, again");

        boolean restores() {
            return this == RESTORE || this == RESTORE_AGAIN;
        }

        final String label;

        Operation(String label) {
            this.label = label;
        }
    }

    /** One tool's measurement of one operation. */
    /**
     * @param s3proxyCpuMillis what s3proxy spent serving the operation (user and system), -1 where unknown
     */
    record Outcome(TimedProcess.Result run, long bytesUploaded, List<String> restoreDifferences,
            long s3proxyCpuMillis) {

        boolean wrong() {
            return !run.succeeded() || !restoreDifferences.isEmpty();
        }
    }

    /** How one tool is driven. */
    interface Tool {

        String name();

        String bucket();

        /** Before the first operation, untimed (restic's repository); null when there is nothing to do. */
        List<String> init();

        List<String> command(Operation operation, Path restoreTarget);

        Map<String, String> environment();

        /** Where the restored dataset is inside the restore target. */
        default Path restoredRoot(Path restoreTarget) {
            return restoreTarget;
        }

        /** Before the first operation of any tool, untimed: a long-running process the commands talk to. */
        default void start() throws IOException {
        }

        default void stop() {
        }
    }

    /** Written when a run has deleted its data: its mtime is when, whichever work directory it was in. */
    static final Path LAST_CLEAN_UP = Path.of(System.getProperty("java.io.tmpdir"),
            "spillway-snapshot-vs-restic.cleaned");
    /** {@code RECENTCY_MIN} + {@code RECENTCY_DIRTY} of ext4: how long a deleted inode can slow the next ones. */
    static final Duration INODE_QUARANTINE = Duration.ofMinutes(6);

    private final Path work;
    private final Path dataset;
    private final Path logs;
    /** s3proxy's process, to count its CPU per operation; -1 where unknown. */
    private long s3proxyPid = -1;

    private SnapshotVsRestic(Path work) {
        this.work = work;
        this.dataset = work.resolve("dataset");
        this.logs = work.resolve("logs");
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> options = options(args);
        double scale = Double.parseDouble(options.getOrDefault("scale", "1"));
        long seed = Long.parseLong(options.getOrDefault("seed", "42"));
        Path work = Path.of(options.getOrDefault("work",
                Path.of(System.getProperty("java.io.tmpdir"), "spillway-snapshot-vs-restic").toString()))
                .toAbsolutePath();
        Path out = Path.of(options.getOrDefault("out", work.resolve("results.md").toString())).toAbsolutePath();
        List<String> missing = missingTools();
        if (!missing.isEmpty()) {
            System.err.println("Missing: " + String.join(", ", missing) + ". Install them (Debian: sudo apt-get "
                    + "install restic rclone time) and run again.");
            System.exit(3);
        }
        prepare(work);
        waitForLastCleanUp();
        String table = new SnapshotVsRestic(work).run(scale, seed, String.join(" ", args));
        System.out.println(table);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, table);
        System.out.println("Written to " + out + "; logs of every command under " + work.resolve("logs"));
        cleanUp(work);
    }

    private String run(double scale, long seed, String arguments) throws IOException {
        fillPageCache();
        log("Generating the dataset (scale %s, seed %d) in %s", scale, seed, dataset);
        SnapshotDataset data = SnapshotDataset.generate(dataset, scale, seed);
        log("Dataset: %d files, %s", data.files(), mib(data.totalBytes()));
        Map<Tool, Map<Operation, Outcome>> outcomes = new LinkedHashMap<>();
        SnapshotDataset.Change change;
        try (S3Proxy proxy = S3Proxy.start(work.resolve("s3proxy"), 0, false)) {
            s3proxyPid = proxy.pid().orElse(-1);
            List<Tool> tools = List.of(restic(proxy), spillway(proxy), spillwayWorker(proxy), rclone(proxy));
            Map<Tool, BucketMeter> meters = new LinkedHashMap<>();
            try (S3Client s3 = proxy.client()) {
                for (Tool tool : tools) {
                    s3.createBucket(request -> request.bucket(tool.bucket()));
                    meters.put(tool, new BucketMeter(work.resolve("s3proxy/data").resolve(tool.bucket())));
                    outcomes.put(tool, new EnumMap<>(Operation.class));
                }
            }
            for (Tool tool : tools) {
                tool.start();
            }
            try {
                change = measureAll(tools, meters, outcomes, data);
            } finally {
                tools.forEach(Tool::stop);
            }
        }
        return Report.markdown(outcomes, data, change, scale, seed, arguments);
    }

    /** Full snapshots, the change, incrementals, then restores checked against the changed source. */
    private SnapshotDataset.Change measureAll(List<Tool> tools, Map<Tool, BucketMeter> meters,
            Map<Tool, Map<Operation, Outcome>> outcomes, SnapshotDataset data) throws IOException {
        for (Tool tool : tools) {
            if (tool.init() != null) {
                TimedProcess.Result init = TimedProcess.run(tool.init(), dataset, tool.environment(),
                        logs.resolve(tool.name() + "-init.log"));
                if (!init.succeeded()) {
                    throw new IllegalStateException(tool.name() + " init failed:\n" + init.logTail());
                }
                meters.get(tool).bytesWrittenSinceLastLook();
            }
            measure(tool, Operation.FULL, meters.get(tool), outcomes, null);
        }
        SnapshotDataset.Change change = data.change(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        log("Changed %d files, %s (%.2f%%)", change.files(), mib(change.bytes()),
                100.0 * change.bytes() / data.totalBytes());
        for (Tool tool : tools) {
            measure(tool, Operation.INCREMENTAL, meters.get(tool), outcomes, null);
        }
        log("Hashing the changed source to check the restores");
        TreeDigest expected = TreeDigest.of(dataset);
        for (Tool tool : tools) {
            measure(tool, Operation.RESTORE, meters.get(tool), outcomes, expected);
        }
        for (Tool tool : tools) {
            measure(tool, Operation.RESTORE_AGAIN, meters.get(tool), outcomes, expected);
        }
        return change;
    }

    private void measure(Tool tool, Operation operation, BucketMeter meter, Map<Tool, Map<Operation, Outcome>> all,
            TreeDigest expected) throws IOException {
        // Every restore into a directory of its own, none deleted until the run is over: ext4 without a journal (the
        // CI machine's) walks, for every file it creates, past each nearby free inode deleted in the last seconds to
        // minutes (recently_deleted in fs/ext4/ialloc.c), so deleting one tool's 20,000 restored files made the next
        // tool's restore pay for them (bench/README.md).
        Path target = work.resolve("restore-" + tool.name() + (operation == Operation.RESTORE_AGAIN ? "-again" : ""));
        settle();
        log("%s: %s", tool.name(), operation.label);
        long s3proxyBefore = ProcessCpu.millis(s3proxyPid);
        TimedProcess.Result run = TimedProcess.run(tool.command(operation, target), dataset, tool.environment(),
                logs.resolve(tool.name() + "-" + operation.name().toLowerCase(Locale.ROOT) + ".log"));
        long s3proxyAfter = ProcessCpu.millis(s3proxyPid);
        long s3proxyCpu = s3proxyBefore < 0 || s3proxyAfter < 0 ? -1 : s3proxyAfter - s3proxyBefore;
        long uploaded = meter.bytesWrittenSinceLastLook();
        List<String> differences = List.of();
        if (!run.succeeded()) {
            log("  FAILED (exit %d), last lines of %s:%n%s", run.exitCode(), run.log(), run.logTail());
        } else if (expected != null) {
            Path restored = tool.restoredRoot(target);
            differences = Files.isDirectory(restored) ? expected.differences(TreeDigest.of(restored))
                    : List.of("nothing restored at " + restored);
        }
        log("  %.1f s, %s uploaded, peak RSS %d MiB, CPU %s, s3proxy CPU %.1f s%s", run.wallSeconds(),
                mib(uploaded), run.peakRssKiB() / 1024, Report.cpu(run), s3proxyCpu / 1000.0,
                differences.isEmpty() ? "" : ", WRONG: " + differences);
        all.get(tool).put(operation, new Outcome(run, uploaded, differences, s3proxyCpu));
    }

    /**
     * Writes back what the operation before left dirty (uploads into s3proxy's directory, a restore deleted since)
     * before the next starts, so no tool's time includes the kernel writing out another's data.
     */
    private static void settle() throws IOException {
        try {
            new ProcessBuilder("sync").inheritIO().start().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while syncing", e);
        }
    }

    /**
     * Leaves no memory free before the run: reads a sparse file as large as the machine's memory, so the page cache
     * holds zeroes everywhere and every later write reclaims cache, whichever tool writes first. On a VM whose
     * balloon reports free pages to the host (virtio_balloon free page reporting), memory freed since it was last
     * written costs about 2 s of system time per GiB to write again: in runs started with memory free, the first
     * round of restores paid 5–7 s more system time than the second, the tools after restic (which restores first)
     * the most. The fill is read before the dataset is generated, so it is the oldest cache and reclaimed first.
     * It costs no disk: a hole reads as zeroes without being stored.
     */
    private void fillPageCache() throws IOException {
        long memory = memInfoBytes("MemTotal");
        if (memory <= 0) {
            log("Not filling the page cache: no MemTotal in /proc/meminfo");
            return;
        }
        Path fill = work.resolve("page-cache-fill").resolve("fill");
        Files.createDirectories(fill.getParent());
        try (FileChannel channel = FileChannel.open(fill, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            channel.truncate(0);
            channel.write(ByteBuffer.allocate(1), memory - 1);
        }
        log("Filling the page cache: reading %s of a sparse file (free before: %s)", mib(memory),
                mib(memInfoBytes("MemFree")));
        ByteBuffer buffer = ByteBuffer.allocateDirect(8 << 20);
        try (FileChannel channel = FileChannel.open(fill, StandardOpenOption.READ)) {
            while (channel.read(buffer) >= 0) {
                buffer.clear();
            }
        }
        log("  free after: %s", mib(memInfoBytes("MemFree")));
    }

    /** A {@code /proc/meminfo} field in bytes; -1 where there is none. */
    static long memInfoBytes(String field) throws IOException {
        Path meminfo = Path.of("/proc/meminfo");
        if (!Files.isReadable(meminfo)) {
            return -1;
        }
        return memInfoBytes(Files.readAllLines(meminfo), field);
    }

    static long memInfoBytes(List<String> meminfo, String field) {
        for (String line : meminfo) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length >= 2 && parts[0].equals(field + ":")) {
                long value = Long.parseLong(parts[1]);
                return parts.length >= 3 && parts[2].equals("kB") ? value * 1024 : value;
            }
        }
        return -1;
    }

    private Tool restic(S3Proxy proxy) {
        String repository = "s3:" + proxy.endpoint() + "/restic-bench";
        Path cache = work.resolve("restic-cache");
        return new Tool() {
            @Override
            public String name() {
                return "restic";
            }

            @Override
            public String bucket() {
                return "restic-bench";
            }

            @Override
            public List<String> init() {
                return List.of("restic", "-r", repository, "--cache-dir", cache.toString(), "init");
            }

            @Override
            public List<String> command(Operation operation, Path restoreTarget) {
                return switch (operation) {
                    // Run in the dataset, on ".", so the snapshot (and the restore) holds the dataset at its root.
                    case FULL, INCREMENTAL -> List.of("restic", "-r", repository, "--cache-dir", cache.toString(),
                            "backup", "--host", "bench", ".");
                    case RESTORE, RESTORE_AGAIN ->
                        List.of("restic", "-r", repository, "--cache-dir", cache.toString(), "restore",
                                "latest", "--host", "bench", "--target", restoreTarget.toString());
                };
            }

            @Override
            public Map<String, String> environment() {
                return Map.of("RESTIC_PASSWORD", RESTIC_PASSWORD, "AWS_ACCESS_KEY_ID", proxy.accessKey(),
                        "AWS_SECRET_ACCESS_KEY", proxy.secretKey());
            }
        };
    }

    /** Spillway encrypts too (restic always does): a fixed AES-256 key, base64. */
    private static final String SPILLWAY_KEY = "c3BpbGx3YXktYmVuY2gta2V5LTMyLWJ5dGVzLWxvbmc=";

    private Tool spillway(S3Proxy proxy) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // Absolute: the tools run in the dataset directory.
        String classpath = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(entry -> Path.of(entry).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
        return new Tool() {
            @Override
            public String name() {
                return "spillway";
            }

            @Override
            public String bucket() {
                return "spillway-bench";
            }

            @Override
            public List<String> init() {
                return null;
            }

            @Override
            public List<String> command(Operation operation, Path restoreTarget) {
                // A 1 GiB heap bound: the default (a quarter of the machine) lets the JVM grow instead of collect,
                // which measures the JVM's appetite rather than the worker's needs.
                List<String> command = new ArrayList<>(List.of(java, "-Xmx1g", "-cp", classpath,
                        SpillwaySnapshotTool.class.getName(), operation.restores() ? "restore" : "snapshot",
                        "--endpoint", proxy.endpoint(), "--bucket", bucket(), "--access-key", proxy.accessKey(),
                        "--secret-key", proxy.secretKey(), "--key", SPILLWAY_KEY));
                String full = SnapshotLayout.manifestKey(SpillwaySnapshotTool.FILESYSTEM, "full");
                switch (operation) {
                    case FULL -> command.addAll(List.of("--source", dataset.toString(), "--id", "full"));
                    case INCREMENTAL -> command.addAll(List.of("--source", dataset.toString(), "--id",
                            "incremental", "--parent", full));
                    case RESTORE, RESTORE_AGAIN -> command.addAll(List.of("--locator",
                            SnapshotLayout.manifestKey(SpillwaySnapshotTool.FILESYSTEM, "incremental"), "--target",
                            restoreTarget.toString()));
                }
                return command;
            }

            @Override
            public Map<String, String> environment() {
                return Map.of();
            }
        };
    }

    /**
     * snapshot-worker as it runs: one process started before the first operation and kept, taking the three
     * operations one after the other (SpillwaySnapshotTool serve); each is timed from the request to the answer.
     */
    private Tool spillwayWorker(S3Proxy proxy) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(entry -> Path.of(entry).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
        return new Tool() {
            private Process worker;
            private int port;

            @Override
            public String name() {
                return "spillway (one worker)";
            }

            @Override
            public String bucket() {
                return "spillway-worker-bench";
            }

            @Override
            public List<String> init() {
                return null;
            }

            @Override
            public void start() throws IOException {
                try (ServerSocket socket = new ServerSocket(0)) {
                    port = socket.getLocalPort();
                }
                Path log = logs.resolve("spillway-worker.log");
                Files.createDirectories(logs);
                worker = new ProcessBuilder(java, "-Xmx1g", "-cp", classpath, SpillwaySnapshotTool.class.getName(),
                        "serve", "--endpoint", proxy.endpoint(), "--bucket", bucket(), "--access-key",
                        proxy.accessKey(), "--secret-key", proxy.secretKey(), "--key", SPILLWAY_KEY, "--port",
                        String.valueOf(port)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
                Instant deadline = Instant.now().plusSeconds(60);
                while (!Files.readString(log).contains("serving on port")) {
                    if (!worker.isAlive() || Instant.now().isAfter(deadline)) {
                        throw new IllegalStateException("the Spillway worker did not start; see " + log);
                    }
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                }
            }

            @Override
            public void stop() {
                if (worker != null) {
                    worker.destroy();
                }
            }

            @Override
            public List<String> command(Operation operation, Path restoreTarget) {
                String full = SnapshotLayout.manifestKey(SpillwaySnapshotTool.FILESYSTEM, "full");
                String request = switch (operation) {
                    case FULL -> "snapshot?source=" + encoded(dataset.toString()) + "&id=full";
                    case INCREMENTAL -> "snapshot?source=" + encoded(dataset.toString()) + "&id=incremental&parent="
                            + encoded(full);
                    case RESTORE, RESTORE_AGAIN -> "restore?locator=" + encoded(SnapshotLayout.manifestKey(
                            SpillwaySnapshotTool.FILESYSTEM, "incremental")) + "&target="
                            + encoded(restoreTarget.toString());
                };
                return List.of("curl", "-sS", "--fail-with-body", "-X", "POST", "http://127.0.0.1:" + port + "/"
                        + request);
            }

            @Override
            public Map<String, String> environment() {
                return Map.of();
            }
        };
    }

    private static String encoded(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private Tool rclone(S3Proxy proxy) {
        String remote = "bench:rclone-bench/dataset";
        return new Tool() {
            @Override
            public String name() {
                return "rclone";
            }

            @Override
            public String bucket() {
                return "rclone-bench";
            }

            @Override
            public List<String> init() {
                return null;
            }

            @Override
            public List<String> command(Operation operation, Path restoreTarget) {
                return switch (operation) {
                    case FULL, INCREMENTAL -> List.of("rclone", "copy", dataset.toString(), remote);
                    case RESTORE, RESTORE_AGAIN -> List.of("rclone", "copy", remote, restoreTarget.toString());
                };
            }

            @Override
            public Map<String, String> environment() {
                // The remote lives in the environment; an empty config file keeps the user's own out of it.
                return Map.of("RCLONE_CONFIG", work.resolve("rclone.conf").toString(),
                        "RCLONE_CONFIG_BENCH_TYPE", "s3",
                        "RCLONE_CONFIG_BENCH_PROVIDER", "Other",
                        "RCLONE_CONFIG_BENCH_ENDPOINT", proxy.endpoint(),
                        "RCLONE_CONFIG_BENCH_REGION", proxy.region(),
                        "RCLONE_CONFIG_BENCH_ACCESS_KEY_ID", proxy.accessKey(),
                        "RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY", proxy.secretKey());
            }
        };
    }

    static List<String> missingTools() {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(TimedProcess.GNU_TIME)) {
            missing.add("GNU time (" + TimedProcess.GNU_TIME + ", package time)");
        }
        for (String tool : List.of("restic", "rclone")) {
            boolean found = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                    .anyMatch(directory -> !directory.isEmpty() && Files.isExecutable(Path.of(directory, tool)));
            if (!found) {
                missing.add(tool);
            }
        }
        return missing;
    }

    /** Empties the work directory, refusing one that this benchmark did not make. */
    private static void prepare(Path work) throws IOException {
        if (Files.isDirectory(work)) {
            try (Stream<Path> entries = Files.list(work)) {
                if (entries.findAny().isPresent() && !Files.exists(work.resolve(MARKER))) {
                    throw new IllegalArgumentException("--work " + work + " is not empty and not an earlier run's "
                            + "work directory (no " + MARKER + "); give an empty or new directory");
                }
            }
            boolean aborted = Files.isDirectory(work.resolve("dataset"));
            deleteTree(work);
            if (aborted) {
                // An interrupted run left its data: deleting it now counts as a clean-up.
                settle();
                Files.writeString(LAST_CLEAN_UP, Instant.now() + "\n");
            }
        }
        Files.createDirectories(work);
        Files.writeString(work.resolve(MARKER), "Work directory of SnapshotVsRestic; emptied by its next run.\n");
        Files.writeString(work.resolve("rclone.conf"), "");
    }

    /**
     * Deletes the run's data, keeping its results and logs: the restored trees, dataset and bucket are about 30 GB.
     * Done after the run rather than at the start of the next, and stamped, so the next run can wait for the
     * deletions to stop mattering ({@link #waitForLastCleanUp()}).
     */
    private static void cleanUp(Path work) throws IOException {
        try (Stream<Path> entries = Files.list(work)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                String name = entry.getFileName().toString();
                if (Files.isDirectory(entry) && !name.equals("logs")) {
                    deleteTree(entry);
                }
            }
        }
        settle();
        Files.writeString(LAST_CLEAN_UP, Instant.now() + "\n");
    }

    /**
     * Waits until six minutes after the last run deleted its data. On ext4 without a journal, a new inode skips every
     * free one deleted in the last 60 s, or the last six minutes when its inode table block was written to since
     * ({@code RECENTCY_MIN} and {@code RECENTCY_DIRTY} in {@code fs/ext4/ialloc.c}); a run's own files dirty those
     * blocks again, so a run started soon after another paid for its deletions in every restore: in one such run,
     * started three minutes after the last, restic's two restores took 12% and 30% longer than in a run of the same
     * code that waited, the worker's 10% and 57%.
     */
    private static void waitForLastCleanUp() throws IOException {
        if (!Files.exists(LAST_CLEAN_UP)) {
            return;
        }
        Instant until = Files.getLastModifiedTime(LAST_CLEAN_UP).toInstant().plus(INODE_QUARANTINE);
        long millis = Duration.between(Instant.now(), until).toMillis();
        if (millis <= 0) {
            return;
        }
        log("Waiting %d s: the last run deleted its data at %s, and ext4 avoids freed inodes for up to six minutes, "
                + "which would slow every restore", millis / 1000, Files.getLastModifiedTime(LAST_CLEAN_UP));
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting", e);
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length
                    || !List.of("--scale", "--seed", "--work", "--out").contains(args[i])) {
                System.err.println("usage: SnapshotVsRestic [--scale 1] [--seed 42] [--work DIR] [--out FILE]");
                System.exit(2);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    private static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[%s] %s%n", Instant.now().truncatedTo(ChronoUnit.SECONDS),
                String.format(Locale.ROOT, format, args));
    }
}
