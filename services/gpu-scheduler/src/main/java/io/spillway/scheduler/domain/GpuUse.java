package io.spillway.scheduler.domain;

/** How much of one GPU is held, as a scheduling session sees it while it places jobs. */
public final class GpuUse {

    /** Slack for sums of shares such as 0.1 + 0.2, which doubles do not add exactly. */
    static final double EPSILON = 1e-9;
    /** Shares are indexed in thousandths of a GPU. */
    static final int UNITS = 1000;

    private final Node node;
    private final Gpu gpu;
    private double used;
    private int jobs;

    GpuUse(Node node, Gpu gpu) {
        this.node = node;
        this.gpu = gpu;
    }

    public Node node() {
        return node;
    }

    public Gpu gpu() {
        return gpu;
    }

    /** The share of the GPU held, 0 to 1. */
    public double used() {
        return used;
    }

    public double free() {
        return Math.max(0, 1 - used);
    }

    /** How many jobs hold a part of it. */
    public int jobs() {
        return jobs;
    }

    /** Whether no job holds any part of it, so it can be given whole. */
    public boolean idle() {
        return jobs == 0;
    }

    /** Whether {@code fraction} more fits next to what it holds, within {@code maxJobs} jobs. */
    public boolean fits(double fraction, int maxJobs) {
        return jobs < maxJobs && used + fraction <= 1 + EPSILON;
    }

    /** The free share in thousandths, rounded down: the key a share index files this GPU under. */
    int freeUnits() {
        return (int) Math.floor(free() * UNITS + 1e-6);
    }

    /** A share in thousandths, rounded up, so a GPU found by its free units really has room for it. */
    static int units(double share) {
        return (int) Math.ceil(share * UNITS - 1e-6);
    }

    void hold(double fraction) {
        used += fraction;
        jobs++;
    }

    void release(double fraction) {
        used = Math.max(0, used - fraction);
        jobs = Math.max(0, jobs - 1);
        if (jobs == 0) {
            used = 0;
        }
    }
}
