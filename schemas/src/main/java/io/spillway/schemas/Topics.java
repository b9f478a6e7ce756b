package io.spillway.schemas;

/** The Kafka topics of Spillway: entity streams keyed by the entity's id, and one dead-letter topic per service. */
public final class Topics {

    /** Job lifecycle, keyed by job id. */
    public static final String JOBS = "spillway.jobs";
    /** Queue signals, keyed by site. */
    public static final String QUEUES = "spillway.queues";
    /** Filesystems, snapshots and restores, keyed by filesystem name. */
    public static final String SNAPSHOTS = "spillway.snapshots";
    /** Burst saga, keyed by burst id. */
    public static final String BURSTS = "spillway.bursts";
    /** Projects' GPU shares, keyed by project name; compacted, so the last event of each project is its state. */
    public static final String PROJECTS = "spillway.projects";

    private Topics() {
    }

    /** The dead-letter topic of a service, e.g. {@code spillway.dlq.job-intake}. */
    public static String deadLetter(String service) {
        return "spillway.dlq." + service;
    }
}
