package io.spillway.schemas;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopicsTest {

    @Test
    void registryHoldsTheTopicOfEveryEventTypeAndADeadLetterTopicPerConsumingService() {
        Set<String> registered = new HashSet<>();
        Topics.registry().forEach(topic -> assertTrue(registered.add(topic.name()), "listed twice: " + topic.name()));
        for (EventType type : EventType.values()) {
            assertTrue(registered.contains(type.topic()), type + " goes to " + type.topic() + ", not in the registry");
        }
        for (String service : Topics.CONSUMING_SERVICES) {
            assertTrue(registered.contains(Topics.deadLetter(service)), "no dead-letter topic for " + service);
        }
    }

    @Test
    void onlyTablesAreCompactedAndDeadLettersAreStreamsOfOnePartition() {
        List<Topics.Topic> compacted = Topics.registry().stream().filter(Topics.Topic::compacted).toList();
        assertEquals(List.of(Topics.PROJECTS), compacted.stream().map(Topics.Topic::name).toList());
        Topics.registry().stream().filter(Topics.Topic::deadLetter).forEach(topic -> {
            assertTrue(topic.name().startsWith("spillway.dlq."), topic.name());
            assertEquals(1, topic.partitions(), topic.name());
        });
    }
}
