package io.spillway.schemas;

import java.util.ArrayList;
import java.util.List;

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

    /** The services that consume events, each with its own dead-letter topic. */
    public static final List<String> CONSUMING_SERVICES = List.of("job-intake", "gpu-scheduler", "storage-agent",
            "snapshot-worker", "burst-coordinator");

    /** Partitions of an entity stream: more than one, so that ordering per key is what consumers rely on. */
    public static final int ENTITY_PARTITIONS = 3;

    /**
     * One topic of the event registry: its partitions, and whether it is a table (compacted: the last event per key
     * is the entity's state) or a stream kept by time. Dead-letter topics are streams: each record is evidence.
     */
    public record Topic(String name, int partitions, boolean compacted, boolean deadLetter) {
    }

    private Topics() {
    }

    /**
     * Every topic Spillway uses, as a deployment must create it (docker-compose.yml, deploy/'s KafkaTopics and the
     * test platform all follow this list, and tests hold them to it).
     */
    public static List<Topic> registry() {
        List<Topic> topics = new ArrayList<>();
        for (String stream : List.of(JOBS, QUEUES, SNAPSHOTS, BURSTS)) {
            topics.add(new Topic(stream, ENTITY_PARTITIONS, false, false));
        }
        topics.add(new Topic(PROJECTS, ENTITY_PARTITIONS, true, false));
        for (String service : CONSUMING_SERVICES) {
            topics.add(new Topic(deadLetter(service), 1, false, true));
        }
        return List.copyOf(topics);
    }

    /** The dead-letter topic of a service, e.g. {@code spillway.dlq.job-intake}. */
    public static String deadLetter(String service) {
        return "spillway.dlq." + service;
    }
}
