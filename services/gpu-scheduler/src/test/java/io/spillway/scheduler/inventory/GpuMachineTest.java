package io.spillway.scheduler.inventory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.spillway.scheduler.domain.Gpu;
import io.spillway.scheduler.executor.Launch;
import io.spillway.scheduler.executor.LocalExecutor;
import io.spillway.scheduler.executor.ProcessExit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What CI cannot check, on a machine with a real NVIDIA GPU: that the inventory reads it from {@code nvidia-smi}, and
 * that the local executor's {@code CUDA_VISIBLE_DEVICES} gives a job exactly the GPUs it was allocated (none, one of
 * several) and lets two half-GPU jobs run on one GPU at once. Skipped where there is no {@code nvidia-smi} or no
 * {@code python3} with PyTorch, so CI stays green; {@code bench/gpu-check.sh} runs it on a GPU machine.
 *
 * <p>
 * {@code SPILLWAY_EXPECT_GPU} (a part of the model name, e.g. {@code H200}) and {@code SPILLWAY_EXPECT_GPU_MIN_MIB}
 * make the discovery check the model the machine is known to have; without them it checks that GPU 0 is read with
 * some memory and a name.
 */
class GpuMachineTest {

    private static final long JOB_TIMEOUT_S = 180;

    /** nvidia-smi's own view, read with a query of its own: index to uuid. */
    private static Map<String, String> uuids;
    private static boolean hasGpu;
    private static boolean hasTorch;

    @TempDir
    Path workDir;
    private LocalExecutor executor;

    /** Probed once; each test is skipped on its own, so the report lists every one as skipped, with the reason. */
    @BeforeAll
    static void probeTheMachine() throws Exception {
        hasGpu = succeeds(List.of("nvidia-smi", "-L"));
        hasTorch = hasGpu && succeeds(List.of("python3", "-c", "import torch"));
        uuids = new LinkedHashMap<>();
        if (!hasGpu) {
            return;
        }
        for (String line : run(List.of("nvidia-smi", "--query-gpu=index,uuid", "--format=csv,noheader")).split("\\R")) {
            if (!line.isBlank()) {
                String[] fields = line.split(",", 2);
                uuids.put(fields[0].trim(), fields[1].trim());
            }
        }
        System.out.println("nvidia-smi --query-gpu=index,uuid: " + uuids);
    }

    @BeforeEach
    void onlyOnAGpuMachine() {
        assumeTrue(hasGpu, "no nvidia-smi on PATH: not a GPU machine");
        assumeTrue(hasTorch, "no python3 with torch on PATH");
    }

    @AfterEach
    void stopJobs() {
        if (executor != null) {
            executor.stopAll();
        }
    }

    @Test
    void theInventoryReadsTheRealGpusFromNvidiaSmi() {
        Optional<List<Gpu>> read = SiteInventory.readNvidiaSmi("nvidia-smi");

        System.out.println("SiteInventory.readNvidiaSmi(\"nvidia-smi\") = " + read);
        assertTrue(read.isPresent(), "nvidia-smi works here, so the inventory must come from it");
        List<Gpu> gpus = read.get();
        assertEquals(uuids.keySet().stream().toList(), gpus.stream().map(Gpu::id).toList(),
                "the same GPUs as nvidia-smi's own uuid query");
        Gpu first = gpus.get(0);
        assertEquals("0", first.id());
        assertTrue(first.memoryMiB() > 0, first.toString());
        assertFalse(first.model().isBlank(), first.toString());
        String model = System.getenv("SPILLWAY_EXPECT_GPU");
        if (model != null && !model.isBlank()) {
            assertTrue(first.model().contains(model), "expected a " + model + ": " + first);
        }
        String minMiB = System.getenv("SPILLWAY_EXPECT_GPU_MIN_MIB");
        if (minMiB != null && !minMiB.isBlank()) {
            assertTrue(first.memoryMiB() > Integer.parseInt(minMiB.trim()),
                    "expected more than " + minMiB + " MiB: " + first);
        }
    }

    @Test
    void aJobGivenGpuZeroSeesExactlyThatGpuAndComputesOnIt() throws Exception {
        executor = new LocalExecutor(workDir);
        String name = SiteInventory.readNvidiaSmi("nvidia-smi").orElseThrow().get(0).model();

        Map<String, String> seen = runJob("gpu-0", List.of("0"), 1.0, TORCH_PROBE + MATMUL);

        assertEquals("0", seen.get("CUDA_VISIBLE_DEVICES"));
        assertEquals("1", seen.get("device_count"));
        assertEquals("True", seen.get("is_available"));
        assertEquals(name, seen.get("name"), "the one device is GPU 0 as nvidia-smi names it");
        assertEquals(bare(uuids.get("0")), bare(seen.get("uuid")), "the one device is GPU 0 by uuid");
        assertEquals("True", seen.get("matmul_ok"), "a matrix product on the GPU matches the expected values");
    }

    @Test
    void aJobGivenNoGpuSeesNone() throws Exception {
        executor = new LocalExecutor(workDir);

        Map<String, String> seen = runJob("no-gpu", List.of(), 0.0, TORCH_PROBE);

        assertEquals("", seen.get("CUDA_VISIBLE_DEVICES"));
        assertEquals("0", seen.get("device_count"));
        assertEquals("False", seen.get("is_available"));
    }

    @Test
    void aJobGivenGpuOneSeesOnlyGpuOne() throws Exception {
        assumeTrue(uuids.size() > 1, "one GPU on this machine: nothing to isolate GPU 1 from");
        executor = new LocalExecutor(workDir);

        Map<String, String> seen = runJob("gpu-1", List.of("1"), 1.0, TORCH_PROBE);

        assertEquals("1", seen.get("device_count"));
        assertEquals(bare(uuids.get("1")), bare(seen.get("uuid")), "the one device is GPU 1 by uuid");
    }

    @Test
    void twoHalfGpuJobsRunOnGpuZeroAtTheSameTime() throws Exception {
        executor = new LocalExecutor(workDir);
        Path barrier = Files.createDirectories(workDir.resolve("barrier"));
        // Each job takes the GPU (a context and an allocation), says so, waits until the other has too, then computes
        // for a while: both holding the GPU at once is the point, so a GPU that could not be shared fails a job.
        String shared = TORCH_PROBE + """
                x = torch.ones(4096, 4096, device="cuda")
                open(os.path.join(os.environ["BARRIER"], os.environ["SPILLWAY_JOB_ID"]), "w").close()
                waited = time.time()
                while len(os.listdir(os.environ["BARRIER"])) < 2:
                    if time.time() - waited > 120:
                        print("barrier=timeout", flush=True)
                        sys.exit(3)
                    time.sleep(0.05)
                gpu_start = time.time()
                n = 0
                while time.time() - gpu_start < 3:
                    y = x @ x
                    torch.cuda.synchronize()
                    n += 1
                gpu_end = time.time()
                print("fraction=" + os.environ["SPILLWAY_GPU_FRACTION"])
                print("gpu_start=%.3f" % gpu_start)
                print("gpu_end=%.3f" % gpu_end)
                print("products=%d" % n)
                print("result_ok=" + str(bool((y[0, :8] == 4096).all().item())))
                """;
        Map<String, String> env = Map.of("BARRIER", barrier.toString());
        CompletableFuture<ProcessExit> exitA = new CompletableFuture<>();
        CompletableFuture<ProcessExit> exitB = new CompletableFuture<>();

        executor.start(launch("half-a", List.of("0"), 0.5, shared, env), exitA::complete);
        executor.start(launch("half-b", List.of("0"), 0.5, shared, env), exitB::complete);

        ProcessExit a = exitA.get(JOB_TIMEOUT_S, TimeUnit.SECONDS);
        ProcessExit b = exitB.get(JOB_TIMEOUT_S, TimeUnit.SECONDS);
        Map<String, String> seenA = output("half-a");
        Map<String, String> seenB = output("half-b");
        assertEquals(0, a.exitCode(), "half-a: " + seenA);
        assertEquals(0, b.exitCode(), "half-b: " + seenB);
        for (Map<String, String> seen : List.of(seenA, seenB)) {
            assertEquals("0.5", seen.get("fraction"));
            assertEquals("0", seen.get("CUDA_VISIBLE_DEVICES"));
            assertEquals("1", seen.get("device_count"));
            assertEquals("True", seen.get("result_ok"));
        }
        double startA = Double.parseDouble(seenA.get("gpu_start"));
        double endA = Double.parseDouble(seenA.get("gpu_end"));
        double startB = Double.parseDouble(seenB.get("gpu_start"));
        double endB = Double.parseDouble(seenB.get("gpu_end"));
        double overlap = Math.min(endA, endB) - Math.max(startA, startB);
        System.out.printf("half-a computed %.3f..%.3f (%d ms in all), half-b %.3f..%.3f (%d ms in all):"
                + " %.3f s together%n", startA, endA, a.durationMs(), startB, endB, b.durationMs(), overlap);
        assertTrue(overlap > 1.0, "the two half-GPU jobs computed at the same time for " + overlap + " s");
    }

    /** Prints what the job sees, one {@code key=value} a line. */
    private static final String TORCH_PROBE = """
            import os, sys, time
            print("CUDA_VISIBLE_DEVICES=" + os.environ.get("CUDA_VISIBLE_DEVICES", "<unset>"))
            import torch
            print("torch=" + torch.__version__)
            print("device_count=%d" % torch.cuda.device_count())
            print("is_available=" + str(torch.cuda.is_available()))
            if torch.cuda.device_count() > 0:
                p = torch.cuda.get_device_properties(0)
                print("name=" + p.name)
                print("uuid=" + str(p.uuid))
                print("memory_mib=%d" % (p.total_memory // (1024 * 1024)))
            sys.stdout.flush()
            """;

    /** A 2 GiB allocation and a matrix product whose every value is known. */
    private static final String MATMUL = """
            big = torch.empty(512 * 1024 * 1024, dtype=torch.float32, device="cuda")
            big.fill_(1.0)
            a = torch.full((2048, 2048), 2.0, device="cuda")
            b = torch.full((2048, 2048), 3.0, device="cuda")
            c = a @ b
            torch.cuda.synchronize()
            print("allocated_mib=%d" % (torch.cuda.memory_allocated() // (1024 * 1024)))
            print("matmul_ok=" + str(bool((c == 2.0 * 3.0 * 2048).all().item()) and big[-1].item() == 1.0))
            """;

    private Map<String, String> runJob(String jobId, List<String> gpuIds, double fraction, String script)
            throws Exception {
        CompletableFuture<ProcessExit> exit = new CompletableFuture<>();
        executor.start(launch(jobId, gpuIds, fraction, script, Map.of()), exit::complete);
        ProcessExit ended = exit.get(JOB_TIMEOUT_S, TimeUnit.SECONDS);
        Map<String, String> seen = output(jobId);
        assertEquals(0, ended.exitCode(), jobId + " exited with " + ended.exitCode() + ": " + seen);
        return seen;
    }

    private static Launch launch(String jobId, List<String> gpuIds, double fraction, String script,
            Map<String, String> env) {
        return new Launch(jobId, 0, 1, "onprem", "local-0", null, List.of("python3", "-c", script), env, gpuIds,
                fraction, null, List.of());
    }

    /** The job's {@code key=value} lines; the whole log goes to stdout, for whoever reads the run. */
    private Map<String, String> output(String jobId) throws IOException {
        String log = Files.readString(executor.jobDir(jobId).resolve(LocalExecutor.OUTPUT_LOG));
        System.out.println("--- " + jobId + " output.log\n" + log.strip());
        Map<String, String> seen = new LinkedHashMap<>();
        for (String line : log.split("\\R")) {
            int equals = line.indexOf('=');
            if (equals > 0) {
                seen.put(line.substring(0, equals), line.substring(equals + 1));
            }
        }
        return seen;
    }

    /** nvidia-smi writes {@code GPU-<uuid>}, PyTorch the uuid alone. */
    private static String bare(String uuid) {
        return uuid == null ? null : uuid.replaceFirst("^GPU-", "");
    }

    private static boolean succeeds(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0, command + ": " + output);
        return output;
    }
}
