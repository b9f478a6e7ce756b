package io.spillway.bench.snapshot;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SnapshotVsResticTest {

    private static final List<String> MEMINFO = List.of(
            "MemTotal:       24608276 kB",
            "MemFree:        21880436 kB",
            "MemAvailable:   23011520 kB",
            "HugePages_Total:       0");

    @Test
    void readsAMeminfoFieldInBytes() {
        assertEquals(24608276L * 1024, SnapshotVsRestic.memInfoBytes(MEMINFO, "MemTotal"));
        assertEquals(21880436L * 1024, SnapshotVsRestic.memInfoBytes(MEMINFO, "MemFree"));
    }

    @Test
    void aFieldWithoutUnitIsACountAndAMissingOneIsMinusOne() {
        assertEquals(0, SnapshotVsRestic.memInfoBytes(MEMINFO, "HugePages_Total"));
        assertEquals(-1, SnapshotVsRestic.memInfoBytes(MEMINFO, "SwapTotal"));
        // A prefix of another field's name is not that field.
        assertEquals(-1, SnapshotVsRestic.memInfoBytes(MEMINFO, "Mem"));
    }
}
