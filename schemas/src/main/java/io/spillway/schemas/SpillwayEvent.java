package io.spillway.schemas;

/**
 * An event of the Spillway contract. Every event belongs to one entity stream (a Kafka topic) and names the entity
 * it is about, which is both the CloudEvents subject and the Kafka key, so events of one entity stay in order.
 */
public sealed interface SpillwayEvent permits JobEvent, QueueEvent, StorageEvent, BurstEvent, ProjectEvent {

    /** The id of the entity this event is about: job id, site, filesystem, burst id or project. */
    String subject();

    /** The entity stream this event travels on. */
    default String topic() {
        return EventType.of(this).topic();
    }

    /** The CloudEvents type, {@code io.spillway.<EventName>.v1}. */
    default String ceType() {
        return EventType.of(this).ceType();
    }
}
