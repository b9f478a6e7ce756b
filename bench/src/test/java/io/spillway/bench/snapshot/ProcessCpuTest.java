package io.spillway.bench.snapshot;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcessCpuTest {

    @Test
    void readsUserAndSystemTicksPastACommandNameWithSpacesAndParentheses() {
        String stat = "4242 (pool-1 (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 567 0 0 20 0 12 0 100 0 0";

        assertEquals(List.of(12340L, 5670L), Arrays.stream(ProcessCpu.parse(stat)).boxed().toList());
    }

    @Test
    void countsThisProcessesOwnCpu() {
        long before = ProcessCpu.millis(ProcessHandle.current().pid());
        long spin = System.nanoTime() + 300_000_000L;
        long sum = 0;
        while (System.nanoTime() < spin) {
            sum += System.nanoTime() % 7;
        }
        long after = ProcessCpu.millis(ProcessHandle.current().pid());

        assertTrue(sum >= 0);
        assertTrue(after - before >= 200, "300 ms of spinning counted as " + (after - before) + " ms");
    }

    @Test
    void aProcessThatDoesNotExistHasNoFigure() {
        assertEquals(-1, ProcessCpu.millis(-5));
    }
}
