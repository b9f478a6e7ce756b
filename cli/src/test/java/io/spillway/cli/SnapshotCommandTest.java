package io.spillway.cli;

import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnapshotCommandTest {

    private static final Map<String, String> UNREACHABLE = Map.of("SPILLWAY_TOKEN", "t", "SPILLWAY_URL",
            "http://127.0.0.1:1");

    @Test
    void describeShowsWhereTheSnapshotIsAndWhatTheUploadReadAndSent() throws Exception {
        String text = SnapshotCommand.Describe.render(snapshot(), Instant.parse("2026-11-29T10:10:00Z"));

        assertEquals("""
                Id:         7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f
                Site:       onprem
                Filesystem: datasets
                Path:       imagenet
                State:      UPLOADED
                Progress:   3.0 MiB / 3.0 MiB (100%), 3/3 files
                Locator:    snapshots/datasets/7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f.json
                Files:      3
                Size:       3.0 MiB
                Scanned:    2.0 MiB
                Uploaded:   1.0 MiB
                Chunks:     1 new, 2 reused
                Duration:   1.2 s
                Burst:      -
                By:         bootstrap-admin
                Created:    2026-11-29T10:00:00Z (10m ago)
                Updated:    2026-11-29T10:00:02Z
                """, text);
    }

    @Test
    void theWaitResultLineCarriesEveryFigureOfTheUpload() throws Exception {
        assertEquals("3 files, 3.0 MiB; scanned 2.0 MiB, uploaded 1.0 MiB; chunks 1 new, 2 reused; 1.2 s",
                Snapshots.snapshotFigures(snapshot()));
    }

    @Test
    void listShowsShortIdsSizesAndAges() throws Exception {
        String table = SnapshotCommand.ListSnapshots.table(List.of(snapshot()), Instant.parse("2026-11-29T10:10:00Z"))
                .render();

        assertTrue(table.startsWith("ID"), table);
        assertTrue(table.contains("7c1e2d3f  onprem  datasets"), table);
        assertTrue(table.contains("UPLOADED  3      3.0 MiB  1.0 MiB   10m"), table);
    }

    @Test
    void progressSaysBytesPercentAndFilesAndNothingBeforeTheFirstReport() throws Exception {
        JsonNode running = Output.JSON.readTree("""
                {"state": "RUNNING", "progress": {"filesDone": 1, "filesTotal": 4, "bytesDone": 1536,
                 "bytesTotal": 6144}}""");

        assertEquals("1.5 KiB / 6.0 KiB (25%), 1/4 files", Snapshots.progress(running));
        assertNull(Snapshots.progress(Output.JSON.readTree("{\"state\": \"REQUESTED\", \"progress\": null}")));
        assertEquals("512 B", Snapshots.bytes(512));
        assertEquals("2.0 GiB", Snapshots.bytes(2L << 30));
    }

    @Test
    void aRestoreWithoutASiteOrASnapshotWithoutAFilesystemIsAUsageError() {
        CliRun restore = CliRun.of(UNREACHABLE, "snapshot", "restore", "7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f");
        assertEquals(2, restore.exitCode(), restore.toString());
        assertTrue(restore.err().contains("--site"), restore.toString());

        CliRun create = CliRun.of(UNREACHABLE, "snapshot", "create");
        assertEquals(2, create.exitCode(), create.toString());
        assertTrue(create.err().contains("FILESYSTEM"), create.toString());
    }

    @Test
    void everySnapshotCommandSaysSoWhenTheServerCannotBeReached() {
        for (List<String> args : List.of(List.of("snapshot", "create", "datasets"), List.of("snapshot", "list"),
                List.of("snapshot", "describe", "7c1e2d"), List.of("snapshot", "delete", "7c1e2d"),
                List.of("snapshot", "restores"),
                List.of("snapshot", "restore", "7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f", "--site", "cloud"))) {
            CliRun run = CliRun.of(UNREACHABLE, args.toArray(String[]::new));

            assertEquals(6, run.exitCode(), args + ": " + run);
            assertTrue(run.err().contains("cannot reach Spillway"), args + ": " + run);
            assertFalse(run.err().contains("Exception"), "no stack trace: " + run);
        }
    }

    private JsonNode snapshot() throws Exception {
        try (InputStream json = getClass().getResourceAsStream("SnapshotCommandTest.snapshot.json")) {
            return Output.JSON.readTree(json);
        }
    }
}
