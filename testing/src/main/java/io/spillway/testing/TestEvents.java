package io.spillway.testing;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;

import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.spillway.schemas.CloudEvent;
import io.spillway.schemas.CloudEventDeserializer;
import io.spillway.schemas.CloudEventSerializer;
import io.spillway.schemas.SpillwayEvent;

import static org.awaitility.Awaitility.await;

/** Sends and watches Spillway CloudEvents on the real broker, as another service would, for integration tests. */
public final class TestEvents {

    public static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final KafkaCompanion kafka;

    public TestEvents(KafkaCompanion kafka) {
        this.kafka = kafka;
        kafka.registerSerde(CloudEvent.class, new CloudEventSerializer(), new LenientDeserializer());
    }

    /** A new CloudEvent carrying {@code event}, as a test producer at site {@code test} would emit it. */
    public static CloudEvent cloudEvent(SpillwayEvent event) {
        return CloudEvent.of(CloudEvent.source("test", "it"), event, null);
    }

    /** Sends {@code event} keyed by its subject. */
    public void send(CloudEvent event) {
        send(event, event.subject());
    }

    /** Sends {@code event} with an explicit key, to put it on the same partition as another. */
    public void send(CloudEvent event, String key) {
        kafka.produce(CloudEvent.class)
                .fromRecords(new ProducerRecord<>(event.topic(), key, event))
                .awaitCompletion(TIMEOUT);
    }

    /** Starts watching {@code topic} from its beginning. */
    public ConsumerTask<String, CloudEvent> watch(String topic) {
        return kafka.consume(CloudEvent.class).fromTopics(topic);
    }

    /** Waits until {@code task} has read everything that is on {@code topic} now. */
    public void awaitCaughtUp(ConsumerTask<String, CloudEvent> task, String topic) {
        List<TopicPartition> partitions = kafka.topics().describe(topic).get(topic).partitions().stream()
                .map(partition -> new TopicPartition(topic, partition.partition()))
                .toList();
        Map<TopicPartition, Long> ends = new HashMap<>();
        kafka.offsets().list(partitions).forEach((partition, end) -> ends.put(partition, end.offset()));
        await().atMost(TIMEOUT).until(() -> {
            Map<TopicPartition, Long> read = task.latestOffsets();
            return ends.entrySet().stream()
                    .allMatch(end -> end.getValue() == 0 || read.getOrDefault(end.getKey(), -1L) >= end.getValue() - 1);
        });
    }

    /** The events of {@code type} seen so far on {@code task} that match {@code filter}. */
    public static <E extends SpillwayEvent> List<E> seen(ConsumerTask<String, CloudEvent> task, Class<E> type,
            Predicate<E> filter) {
        return task.getRecords().stream()
                .map(ConsumerRecord::value)
                .filter(Objects::nonNull)
                .map(CloudEvent::data)
                .filter(type::isInstance)
                .map(type::cast)
                .filter(filter)
                .toList();
    }

    public static <E extends SpillwayEvent> Optional<E> first(ConsumerTask<String, CloudEvent> task, Class<E> type,
            Predicate<E> filter) {
        return seen(task, type, filter).stream().findFirst();
    }

    /**
     * Reads what it can and {@code null} for a record that breaks the contract (a test may put one on a topic on
     * purpose), so one bad record does not end the watch.
     */
    public static final class LenientDeserializer extends CloudEventDeserializer {

        @Override
        public CloudEvent deserialize(String topic, Headers headers, byte[] data) {
            try {
                return super.deserialize(topic, headers, data);
            } catch (RuntimeException e) {
                return null;
            }
        }
    }
}
