package io.spillway.scheduler.inventory;

import java.util.ArrayList;
import java.util.List;

import io.spillway.scheduler.domain.Gpu;

/** Reads the GPUs of this machine from {@code nvidia-smi --query-gpu=index,memory.total,name --format=csv,noheader,nounits}. */
public final class NvidiaSmi {

    /** The arguments after the command. */
    public static final List<String> QUERY = List.of("--query-gpu=index,memory.total,name",
            "--format=csv,noheader,nounits");

    private NvidiaSmi() {
    }

    /**
     * The GPUs in the query's output, one per line such as {@code 0, 143771, NVIDIA H200}.
     *
     * @throws IllegalArgumentException naming the line that is not in that shape
     */
    public static List<Gpu> parse(String output) {
        List<Gpu> gpus = new ArrayList<>();
        for (String line : output.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            String[] fields = line.split(",", 3);
            if (fields.length < 2) {
                throw new IllegalArgumentException("nvidia-smi printed '" + line + "', expected 'index, memory, name'");
            }
            try {
                String index = fields[0].trim();
                Integer.parseInt(index);
                int memoryMiB = Integer.parseInt(fields[1].trim());
                gpus.add(new Gpu(index, memoryMiB, fields.length > 2 ? fields[2].trim() : ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("nvidia-smi printed '" + line + "', expected 'index, memory, name'",
                        e);
            }
        }
        return gpus;
    }
}
