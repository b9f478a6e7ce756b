package io.spillway.bench.snapshot;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TimedProcessTest {

    /** The lines of a GNU time -v report the benchmark reads, as time 1.9 writes them. */
    private static final String REPORT = """
            \tCommand being timed: "restic restore latest"
            \tUser time (seconds): 5.61
            \tSystem time (seconds): 1.74
            \tPercent of CPU this job got: 134%
            \tElapsed (wall clock) time (h:mm:ss or m:ss): 0:05.47
            \tMaximum resident set size (kbytes): 199348
            """;

    @Test
    void readsWallTimePeakMemoryAndCpu() {
        assertEquals(5.47, TimedProcess.wallSeconds(REPORT), 1e-9);
        assertEquals(199348, TimedProcess.peakRssKiB(REPORT));
        assertEquals(5.61, TimedProcess.seconds(REPORT, TimedProcess.USER), 1e-9);
        assertEquals(1.74, TimedProcess.seconds(REPORT, TimedProcess.SYSTEM), 1e-9);
    }

    @Test
    void aReportWithoutCpuTimesIsAnError() {
        assertThrows(IllegalStateException.class, () -> TimedProcess.seconds("Maximum resident set size"
                + " (kbytes): 1", TimedProcess.USER));
    }
}
