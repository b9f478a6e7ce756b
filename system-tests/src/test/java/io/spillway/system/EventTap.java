package io.spillway.system;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;

import io.spillway.schemas.CloudEvent;
import io.spillway.schemas.CloudEventDeserializer;
import io.spillway.schemas.CloudEventSerializer;
import io.spillway.schemas.SpillwayEvent;
import io.spillway.schemas.Topics;

/** Watches every Spillway topic on the real broker from the beginning, and publishes events as a service would. */
final class EventTap implements AutoCloseable {

    private final String bootstrap;
    private final KafkaConsumer<String, byte[]> consumer;
    private final List<CloudEvent> events = new CopyOnWriteArrayList<>();
    private final Thread poller;
    private final CloudEventDeserializer deserializer = new CloudEventDeserializer();
    private volatile boolean closed;

    EventTap(String bootstrap) {
        this.bootstrap = bootstrap;
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "system-test-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(Topics.JOBS, Topics.QUEUES, Topics.SNAPSHOTS, Topics.BURSTS));
        poller = new Thread(this::poll, "event-tap");
        poller.setDaemon(true);
        poller.start();
    }

    private void poll() {
        try {
            while (!closed) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    events.add(deserializer.deserialize(record.topic(), record.headers(), record.value()));
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    /** The first event that matches, waiting for it up to {@code timeout}. */
    @SuppressWarnings("unchecked")
    <E extends SpillwayEvent> CloudEvent await(Class<E> type, Predicate<E> matching, Duration timeout) {
        CloudEvent[] found = new CloudEvent[1];
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
            for (CloudEvent event : events) {
                if (type.isInstance(event.data()) && matching.test((E) event.data())) {
                    found[0] = event;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /** The data of every event of one type seen so far, in the order they arrived. */
    <E extends SpillwayEvent> List<E> all(Class<E> type) {
        return events.stream().map(CloudEvent::data).filter(type::isInstance).map(type::cast).toList();
    }

    /** Every event seen so far about {@code subject}. */
    List<CloudEvent> about(String subject) {
        return events.stream().filter(event -> subject.equals(event.subject())).toList();
    }

    void publish(CloudEvent event) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, CloudEvent> producer = new KafkaProducer<>(config, new StringSerializer(),
                new CloudEventSerializer())) {
            producer.send(new ProducerRecord<>(event.topic(), event.subject(), event));
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        consumer.wakeup();
        poller.join(5000);
    }
}
