package io.spillway.bench.snapshot;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;

import io.spillway.bench.snapshot.SnapshotVsRestic.Operation;
import io.spillway.bench.snapshot.SnapshotVsRestic.Outcome;
import io.spillway.bench.snapshot.SnapshotVsRestic.Tool;

/** The run as markdown: the dataset, the change, and one row per tool and operation. */
final class Report {

    /** The goal: snapshot-worker at most this share of restic's time on each operation. */
    static final double GOAL = 0.7;

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
        out.append("| tool | operation | wall | uploaded | peak RSS | time ÷ restic's |\n");
        out.append("|---|---|---:|---:|---:|---:|\n");
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
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %d MiB | %s |%n", tool.name(),
                    operation.label, wall, SnapshotVsRestic.mib(outcome.bytesUploaded()), run.peakRssKiB() / 1024,
                    ratio(outcome, restic.get(operation))));
        }));
        out.append(String.format(Locale.ROOT, "%nGoal: spillway's time at most %.1f× restic's on each operation.%n",
                GOAL));
        return out.toString();
    }

    private static String ratio(Outcome outcome, Outcome restic) {
        if (restic == null || outcome.wrong() || restic.wrong() || restic.run().wallSeconds() <= 0) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.2f", outcome.run().wallSeconds() / restic.run().wallSeconds());
    }
}
