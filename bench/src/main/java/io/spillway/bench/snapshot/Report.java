package io.spillway.bench.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.spillway.bench.snapshot.SnapshotVsRestic.Operation;
import io.spillway.bench.snapshot.SnapshotVsRestic.Outcome;
import io.spillway.bench.snapshot.SnapshotVsRestic.Tool;

/** The run as markdown: the dataset, the change, and one row per tool and operation. */
final class Report {

    /** The goal: snapshot-worker at most this share of restic's time on each operation. */
    static final double GOAL = 0.7;
    private static final Pattern DURATION = Pattern.compile("durationMs=(\\d+)");
    private static final Pattern WORKER_RSS = Pattern.compile("workerPeakRssKiB=(\\d+)");
    private static final Pattern WORKER_USER = Pattern.compile("workerUserMs=(\\d+)");
    private static final Pattern WORKER_SYSTEM = Pattern.compile("workerSystemMs=(\\d+)");

    private Report() {
    }

    static String markdown(Map<Tool, Map<Operation, Outcome>> outcomes, SnapshotDataset data,
            SnapshotDataset.Change change, double scale, long seed, String arguments) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Run %s, `SnapshotVsRestic %s`: dataset %,d files, %s (scale %s, "
                + "seed %d); change: %,d small files rewritten (%s) and %s overwritten in the middle of %s, "
                + "%s in all (%.2f%%).%n%n", LocalDate.now(ZoneOffset.UTC), arguments, data.files(),
                SnapshotVsRestic.mib(data.totalBytes()), scale, seed, change.smallFilesRewritten(),
                SnapshotVsRestic.mib(change.smallBytesRewritten()), SnapshotVsRestic.mib(change.largeBytesOverwritten()),
                data.root().relativize(change.largeFile()), SnapshotVsRestic.mib(change.bytes()),
                100.0 * change.bytes() / data.totalBytes()));
        out.append("| tool | operation | wall | uploaded | peak RSS | CPU user + system | s3proxy CPU | time ÷ restic's |"
                + " in the worker | ÷ restic's |\n");
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        Map<Operation, Outcome> restic = outcomes.entrySet().stream()
                .filter(entry -> entry.getKey().name().equals("restic")).findFirst().map(Map.Entry::getValue)
                .orElse(Map.of());
        outcomes.forEach((tool, byOperation) -> byOperation.forEach((operation, outcome) -> {
            TimedProcess.Result run = outcome.run();
            String wall;
            if (!run.succeeded()) {
                wall = "failed (exit " + run.exitCode() + ")";
            } else if (!outcome.restoreDifferences().isEmpty()) {
                wall = "wrong: " + String.join("; ", outcome.restoreDifferences());
            } else {
                wall = String.format(Locale.ROOT, "%.1f s", run.wallSeconds());
            }
            OptionalLong inWorker = inWorkerMillis(run);
            Outcome resticOutcome = restic.get(operation);
            String inWorkerRatio = inWorker.isEmpty() || resticOutcome == null || resticOutcome.wrong()
                    || outcome.wrong() ? "–"
                            : String.format(Locale.ROOT, "%.2f", inWorker.getAsLong() / 1000.0
                                    / resticOutcome.run().wallSeconds());
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %d MiB | %s | %s | %s | %s | %s |%n",
                    tool.name(), operation.label, wall, SnapshotVsRestic.mib(outcome.bytesUploaded()),
                    logged(run, WORKER_RSS).orElse(run.peakRssKiB()) / 1024, cpu(run),
                    outcome.s3proxyCpuMillis() < 0 ? "–"
                            : String.format(Locale.ROOT, "%.1f s", outcome.s3proxyCpuMillis() / 1000.0),
                    ratio(outcome, resticOutcome), inWorker.isEmpty() ? "–"
                            : String.format(Locale.ROOT, "%.1f s", inWorker.getAsLong() / 1000.0),
                    inWorkerRatio));
        }));
        out.append(String.format(Locale.ROOT, "%nGoal: spillway's time at most %.1f× restic's on each operation."
                + " \"In the worker\" is the operation's own duration as snapshot-worker measures it (`durationMs`),"
                + " without starting a JVM and an S3 client, which the long-running service does once, not per"
                + " snapshot; restic, a command, starts every time. \"spillway (one worker)\" is snapshot-worker as it"
                + " runs: one process started before the first operation, taking them one after the other (the wall"
                + " time is from request to answer, the peak RSS the worker's own), which warmed up at start as"
                + " snapshot-worker does (a snapshot and three restores of 2,000 generated files in memory); its first"
                + " restore is its first of real data, \"restore, again\" the same restore once more (every tool is"
                + " measured again, into an empty directory)."
                + " CPU is user plus system time of the tool's process (for the worker, of the worker's process"
                + " during the request), s3proxy CPU what the shared s3proxy spent meanwhile: on two cores, a tool"
                + " whose CPU and s3proxy's add up to twice its wall time was using all of the machine."
                + " Every operation starts after a `sync`, so none pays for the kernel writing back what the one"
                + " before it wrote, and the run first fills the page cache, so every tool's writes reclaim cache"
                + " rather than take free memory (bench/README.md).%n", GOAL));
        return out.toString();
    }

    /**
     * The tool's user and system CPU time, {@code 3.1 + 1.6 s}; for a request to the worker, the worker's own (it
     * reports them), not curl's.
     */
    static String cpu(TimedProcess.Result run) {
        OptionalLong user = logged(run, WORKER_USER);
        OptionalLong system = logged(run, WORKER_SYSTEM);
        if (user.isPresent() && system.isPresent()) {
            return String.format(Locale.ROOT, "%.1f + %.1f s", user.getAsLong() / 1000.0,
                    system.getAsLong() / 1000.0);
        }
        return String.format(Locale.ROOT, "%.1f + %.1f s", run.userSeconds(), run.systemSeconds());
    }

    /** The {@code durationMs=} a SpillwaySnapshotTool run printed, if this was one. */
    static OptionalLong inWorkerMillis(TimedProcess.Result run) {
        return logged(run, DURATION);
    }

    /** A number the run printed ({@code name=123}); a worker reports its own peak memory, not the client's. */
    private static OptionalLong logged(TimedProcess.Result run, Pattern pattern) {
        if (run.log() == null || !Files.isRegularFile(run.log())) {
            return OptionalLong.empty();
        }
        try {
            Matcher matcher = pattern.matcher(Files.readString(run.log()));
            return matcher.find() ? OptionalLong.of(Long.parseLong(matcher.group(1))) : OptionalLong.empty();
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    private static String ratio(Outcome outcome, Outcome restic) {
        if (restic == null || outcome.wrong() || restic.wrong() || restic.run().wallSeconds() <= 0) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.2f", outcome.run().wallSeconds() / restic.run().wallSeconds());
    }
}
