package io.spillway.scheduler.domain;

import java.util.Locale;

/**
 * A job's priority class. {@code inference} is served before {@code interactive} and {@code build}, which are served
 * before {@code train}. Only {@code train} is preemptible, and only {@code train} may run over its project's quota.
 */
public enum Priority {
    INFERENCE(3),
    INTERACTIVE(2),
    BUILD(2),
    TRAIN(1);

    private final int rank;

    Priority(int rank) {
        this.rank = rank;
    }

    /** Higher is served first. */
    public int rank() {
        return rank;
    }

    public boolean preemptible() {
        return this == TRAIN;
    }

    /** Whether a job of this class may use GPUs beyond its project's deserved share. */
    public boolean mayRunOverQuota() {
        return this == TRAIN;
    }

    /** The class of a job spec's {@code priority} field; {@code null} means train. */
    public static Priority of(String wire) {
        return wire == null ? TRAIN : valueOf(wire.toUpperCase(Locale.ROOT));
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
