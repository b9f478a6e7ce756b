package io.spillway.scheduler;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.spillway.schemas.CloudEvent;
import io.spillway.schemas.CloudEventDeserializer;
import io.spillway.schemas.CloudEventSerializer;
import io.spillway.schemas.JobSpec;
import io.spillway.schemas.PriorityClass;
import io.spillway.schemas.SpillwayEvent;
import io.spillway.schemas.Topics;

import static org.awaitility.Awaitility.await;

/** The {@code spillway.jobs} topic as the integration tests see it: events sent as job-intake would, events read back. */
final class JobsTopic implements AutoCloseable {

    static final String SCHEDULER_SOURCE = CloudEvent.source("onprem", "gpu-scheduler");
    static final String SCHEDULER_GROUP = "gpu-scheduler-onprem";
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final KafkaCompanion companion;
    private final ConsumerTask<String, byte[]> records;
    private final CloudEventDeserializer deserializer = new CloudEventDeserializer();

    private final String schedulerSource;

    JobsTopic(KafkaCompanion companion) {
        this(companion, "onprem");
    }

    /** The topic as seen by a test of the scheduler of {@code site}. */
    JobsTopic(KafkaCompanion companion, String site) {
        this.companion = companion;
        this.schedulerSource = CloudEvent.source(site, "gpu-scheduler");
        // Every record from the start; tests look only at their own jobs' keys, so earlier runs do not matter.
        this.records = companion.consume(String.class, byte[].class)
                .withProp("auto.offset.reset", "earliest")
                .fromTopics(Topics.JOBS);
    }

    /** Sends an event the way job-intake's outbox relay does (binary mode, trace in the header). */
    RecordMetadata send(CloudEvent event) {
        return companion.produceWithSerializers(new StringSerializer(), new CloudEventSerializer())
                .fromRecords(new ProducerRecord<>(Topics.JOBS, event.subject(), event))
                .awaitCompletion(TIMEOUT)
                .getLastRecord();
    }

    CloudEvent send(SpillwayEvent event, String traceparent) {
        CloudEvent cloudEvent = CloudEvent.of(CloudEvent.source("onprem", "job-intake"), event, traceparent);
        send(cloudEvent);
        return cloudEvent;
    }

    /** Waits until the scheduler's consumer group has committed past {@code record}: it was handled. */
    void awaitHandled(RecordMetadata record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        await().atMost(TIMEOUT).until(() -> {
            var committed = companion.consumerGroups().offsets(SCHEDULER_GROUP, partition);
            return committed != null && committed.offset() > record.offset();
        });
    }

    /** What the scheduler emitted about {@code jobId}, in order. */
    List<CloudEvent> emitted(String jobId) {
        return records.getRecords().stream()
                .filter(record -> jobId.equals(record.key()))
                .map(this::decode)
                .filter(event -> schedulerSource.equals(event.source()))
                .toList();
    }

    List<String> emittedTypes(String jobId) {
        return emitted(jobId).stream().map(event -> event.data().getClass().getSimpleName()).toList();
    }

    @SuppressWarnings("unchecked")
    <E extends SpillwayEvent> E awaitEmitted(String jobId, Class<E> type) {
        await().atMost(TIMEOUT).until(() -> emitted(jobId).stream().anyMatch(event -> type.isInstance(event.data())));
        return (E) emitted(jobId).stream().filter(event -> type.isInstance(event.data())).findFirst().orElseThrow()
                .data();
    }

    private CloudEvent decode(ConsumerRecord<String, byte[]> record) {
        return deserializer.deserialize(record.topic(), record.headers(), record.value());
    }

    @Override
    public void close() {
        records.stop();
    }

    static String newJobId() {
        return "job-" + UUID.randomUUID();
    }

    /** A fresh W3C traceparent, as job-intake starts one per submitted job. */
    static String newTraceparent() {
        HexFormat hex = HexFormat.of();
        byte[] traceId = new byte[16];
        byte[] spanId = new byte[8];
        ThreadLocalRandom.current().nextBytes(traceId);
        ThreadLocalRandom.current().nextBytes(spanId);
        return "00-" + hex.formatHex(traceId) + "-" + hex.formatHex(spanId) + "-01";
    }

    static String traceId(String traceparent) {
        return traceparent == null ? null : traceparent.split("-")[1];
    }

    static JobSpec spec(List<String> command, Double gpu) {
        return new JobSpec("it-job", "research", null, command, gpu, null, null, null, 1, PriorityClass.TRAIN,
                List.of(), Map.of(), null, null);
    }
}
