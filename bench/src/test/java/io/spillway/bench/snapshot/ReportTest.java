package io.spillway.bench.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.spillway.bench.snapshot.SnapshotVsRestic.Operation;
import io.spillway.bench.snapshot.SnapshotVsRestic.Outcome;
import io.spillway.bench.snapshot.SnapshotVsRestic.Tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportTest {

    @TempDir
    Path temp;

    @Test
    void everyRowHasTheHeadersColumnsAndTheWorkersCpuIsItsOwn() throws IOException {
        SnapshotDataset data = SnapshotDataset.generate(temp.resolve("data"), 0.001, 42);
        SnapshotDataset.Change change = data.change(Instant.parse("2026-11-30T00:00:00Z"));
        Path resticLog = Files.writeString(temp.resolve("restic.log"), "restored\n");
        Path workerLog = Files.writeString(temp.resolve("worker.log"), "files=3 durationMs=2500"
                + " workerPeakRssKiB=524288 workerUserMs=3000 workerSystemMs=1700\n");
        Map<Tool, Map<Operation, Outcome>> outcomes = new LinkedHashMap<>();
        outcomes.put(tool("restic"), Map.of(Operation.RESTORE, new Outcome(new TimedProcess.Result(0, 6.0, 204800,
                5.7, 3.6, resticLog), 0, List.of(), 1500)));
        outcomes.put(tool("spillway (one worker)"), Map.of(Operation.RESTORE, new Outcome(new TimedProcess.Result(0,
                3.0, 10240, 0.01, 0.01, workerLog), 0, List.of(), 1300)));

        String report = Report.markdown(outcomes, data, change, 0.001, 42, "--scale 0.001");

        List<String> rows = report.lines().filter(line -> line.startsWith("|")).toList();
        long columns = rows.get(0).chars().filter(c -> c == '|').count();
        for (String row : rows) {
            assertEquals(columns, row.chars().filter(c -> c == '|').count(), row);
        }
        String worker = rows.stream().filter(row -> row.startsWith("| spillway (one worker)")).findFirst()
                .orElseThrow();
        assertTrue(worker.contains("| 3.0 + 1.7 s |"), "the worker's CPU, not curl's: " + worker);
        assertTrue(worker.contains("| 512 MiB |"), "the worker's memory, not curl's: " + worker);
        assertTrue(worker.contains("| 0.50 |"), "3.0 s against restic's 6.0 s: " + worker);
        assertTrue(rows.stream().anyMatch(row -> row.startsWith("| restic") && row.contains("| 5.7 + 3.6 s | 1.5 s |")),
                String.join("\n", rows));
    }

    private static Tool tool(String name) {
        return new Tool() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String bucket() {
                return name;
            }

            @Override
            public List<String> init() {
                return null;
            }

            @Override
            public List<String> command(Operation operation, Path restoreTarget) {
                return List.of();
            }

            @Override
            public Map<String, String> environment() {
                return Map.of();
            }
        };
    }
}
