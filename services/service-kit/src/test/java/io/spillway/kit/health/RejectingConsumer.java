package io.spillway.kit.health;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/** Test channel {@code kit-probe}: takes every record and rejects it, so it goes to the dead-letter queue. */
@ApplicationScoped
public class RejectingConsumer {

    private final List<String> received = new CopyOnWriteArrayList<>();

    /** The keys of the records taken so far (a method: a test holds the client proxy, not this instance). */
    public List<String> received() {
        return received;
    }

    @Incoming("kit-probe")
    public CompletionStage<Void> reject(Message<byte[]> message) {
        message.getMetadata(IncomingKafkaRecordMetadata.class)
                .ifPresent(metadata -> received.add(String.valueOf(metadata.getKey())));
        return message.nack(new IllegalStateException("rejected by the test"));
    }
}
