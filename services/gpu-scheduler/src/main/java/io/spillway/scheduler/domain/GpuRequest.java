package io.spillway.scheduler.domain;

/** What one job asks of the GPUs: whole GPUs on one node, a share of one GPU, or an amount of one GPU's memory. */
public sealed interface GpuRequest {

    /** {@code count} whole GPUs, all on one node. */
    record Whole(int count) implements GpuRequest {

        public Whole {
            if (count < 1) {
                throw new InvalidGpuRequest("a whole-GPU request needs at least 1 GPU, not " + count);
            }
        }
    }

    /** A share of one GPU, 0 &lt; fraction &lt; 1, next to other shared jobs on that GPU. */
    record Shared(double fraction) implements GpuRequest {

        public Shared {
            if (!(fraction > 0 && fraction < 1)) {
                throw new InvalidGpuRequest("a GPU share must lie between 0 and 1, not " + fraction);
            }
        }
    }

    /** {@code memoryMiB} of one GPU's memory; it holds the matching share of that GPU. */
    record Memory(int memoryMiB) implements GpuRequest {

        public Memory {
            if (memoryMiB < 1) {
                throw new InvalidGpuRequest("a GPU memory request needs at least 1 MiB, not " + memoryMiB);
            }
        }
    }

    /**
     * The request of a job spec's {@code gpu} and {@code gpuMemoryMiB} fields.
     *
     * @throws InvalidGpuRequest when the job asks for nothing, for both, or for a count that is neither a fraction
     *         below 1 nor a whole number
     */
    static GpuRequest of(Double gpu, Integer gpuMemoryMiB) {
        if (gpu != null && gpuMemoryMiB != null) {
            throw new InvalidGpuRequest("the job asks for both gpu (" + gpu + ") and gpuMemoryMiB (" + gpuMemoryMiB
                    + "); set one of them");
        }
        if (gpuMemoryMiB != null) {
            return new Memory(gpuMemoryMiB);
        }
        if (gpu == null) {
            throw new InvalidGpuRequest("the job asks for no GPU; set gpu (a share below 1 or a whole count) or"
                    + " gpuMemoryMiB");
        }
        if (gpu > 0 && gpu < 1) {
            return new Shared(gpu);
        }
        if (gpu >= 1 && gpu == Math.rint(gpu) && gpu <= Integer.MAX_VALUE) {
            return new Whole((int) gpu.doubleValue());
        }
        throw new InvalidGpuRequest("gpu " + gpu + " is neither a share of one GPU (below 1) nor a whole number of"
                + " GPUs");
    }
}
