package io.spillway.scheduler.inventory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.spillway.scheduler.domain.Gpu;
import io.spillway.scheduler.domain.Node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NvidiaSmiTest {

    /** What {@code nvidia-smi --query-gpu=index,memory.total,name --format=csv,noheader,nounits} prints. */
    static final String TWO_GPUS = "0, 81559, NVIDIA H100 80GB HBM3\n1, 81559, NVIDIA H100 80GB HBM3\n";

    @Test
    void readsIndexMemoryAndNameOfEveryGpu() {
        assertEquals(List.of(new Gpu("0", 81559, "NVIDIA H100 80GB HBM3"), new Gpu("1", 81559, "NVIDIA H100 80GB HBM3")),
                NvidiaSmi.parse(TWO_GPUS));
    }

    @Test
    void readsWhatNvidiaSmiPrintedOnARealH200() throws IOException {
        // Saved from the query on the H200 machine that GpuMachineTest ran on (bench/gpu-check.sh, 2026-11-29).
        String printed;
        try (InputStream in = NvidiaSmiTest.class.getResourceAsStream("/nvidia-smi-h200.txt")) {
            printed = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        assertEquals(List.of(new Gpu("0", 143771, "NVIDIA H200")), NvidiaSmi.parse(printed));
    }

    @Test
    void namesTheLineItCannotRead() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> NvidiaSmi.parse("No devices were found"));
        assertTrue(error.getMessage().contains("No devices were found"), error.getMessage());
    }

    @Test
    void runsNvidiaSmiWhenItExists(@TempDir Path dir) throws IOException {
        Path fake = dir.resolve("nvidia-smi");
        Files.writeString(fake, "#!/bin/sh\nprintf '" + TWO_GPUS.replace("\n", "\\n") + "'\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));

        Optional<List<Gpu>> gpus = SiteInventory.readNvidiaSmi(fake.toString());

        assertEquals(Optional.of(NvidiaSmi.parse(TWO_GPUS)), gpus);
    }

    @Test
    void fallsBackToConfigurationWhenNvidiaSmiIsAbsentOrFails(@TempDir Path dir) throws IOException {
        assertEquals(Optional.empty(), SiteInventory.readNvidiaSmi(dir.resolve("absent").toString()));
        assertEquals(Optional.empty(), SiteInventory.readNvidiaSmi("spillway-no-such-command"));
        Path failing = dir.resolve("nvidia-smi");
        Files.writeString(failing, "#!/bin/sh\necho 'NVIDIA-SMI has failed'\nexit 9\n");
        Files.setPosixFilePermissions(failing, PosixFilePermissions.fromString("rwx------"));
        assertEquals(Optional.empty(), SiteInventory.readNvidiaSmi(failing.toString()));
    }

    @Test
    void defaultsToOneNodeWithTwoGpusWhenNoNodeIsConfigured() {
        List<Node> nodes = SiteInventory.fromConfig(Map.of());
        assertEquals(1, nodes.size());
        assertEquals("local-0", nodes.get(0).name());
        assertEquals(List.of("0", "1"), nodes.get(0).gpus().stream().map(Gpu::id).toList());
    }
}
