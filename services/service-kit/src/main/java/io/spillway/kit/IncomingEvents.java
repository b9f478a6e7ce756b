package io.spillway.kit;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.spillway.schemas.CloudEvent;
import io.spillway.schemas.CloudEventDeserializer;
import io.spillway.schemas.CloudEventHeaders;
import io.spillway.schemas.EventCodec;
import io.spillway.schemas.EventContractException;
import io.spillway.schemas.EventType;

/**
 * How a Spillway consumer handles one Kafka record: it skips types it does not handle, decodes the rest against
 * their schema, applies them, and settles the message. A broken event is dead-lettered at once with its cause; a
 * failure that may pass (the database restarting) is retried with back-off before it is dead-lettered, so it never
 * blocks the partition forever and is never silently dropped.
 */
public final class IncomingEvents {

    private static final Logger LOG = Logger.getLogger(IncomingEvents.class);
    private static final EventCodec CODEC = EventCodec.shared();

    private IncomingEvents() {
    }

    /**
     * Handles {@code message} with {@code handler} when its {@code ce_type} is one of {@code handled}.
     *
     * @param handler applies the event; gets the event and the trace context to continue
     */
    public static Uni<Void> handle(Message<byte[]> message, Set<EventType> handled,
            Function<Received, Uni<Void>> handler) {
        Map<String, String> attributes = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(metadata -> CloudEventDeserializer.attributes(metadata.getHeaders()))
                .orElse(Map.of());
        String ceType = attributes.get(CloudEventHeaders.TYPE);
        Optional<EventType> type = EventType.fromCeType(ceType);
        if (ceType != null && (type.isEmpty() || !handled.contains(type.get()))) {
            // Types this service does not handle (including newer versions it does not know yet) are not errors.
            return Uni.createFrom().completionStage(message.ack());
        }
        Uni<Void> work = Uni.createFrom().deferred(() -> {
            CloudEvent event = CODEC.toCloudEvent(attributes, message.getPayload());
            return handler.apply(new Received(event, TraceContext.of(message, event.traceparent())));
        });
        return work
                .onFailure(failure -> !permanent(failure))
                .retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(8)
                .onItemOrFailure().transformToUni((ok, failure) -> {
                    if (failure == null) {
                        return Uni.createFrom().completionStage(message.ack());
                    }
                    LOG.errorf("Dead-lettering %s %s: %s", ceType, attributes.get(CloudEventHeaders.ID),
                            failure.getMessage());
                    return Uni.createFrom().completionStage(message.nack(failure));
                });
    }

    /**
     * Whether a failure will fail again however often it is retried: a broken contract or a rejected event, also when
     * it arrives wrapped (a handler that reports a failure and fails with it gives Mutiny's CompositeException).
     * Retrying those only holds up the partition behind them: eight tries took about 19 s per bad event.
     */
    static boolean permanent(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof EventContractException || cause instanceof RejectedEvent) {
                return true;
            }
            if (cause instanceof io.smallrye.mutiny.CompositeException composite
                    && composite.getCauses().stream().anyMatch(IncomingEvents::permanent)) {
                return true;
            }
        }
        return false;
    }

    /** A consumed event and the trace context in which it is processed. */
    public record Received(CloudEvent event, String traceparent) {

        @SuppressWarnings("unchecked")
        public <E> E data() {
            return (E) event.data();
        }
    }

    /** An event that is valid by its schema but that this service cannot act on; it is dead-lettered at once. */
    public static class RejectedEvent extends RuntimeException {

        public RejectedEvent(String message) {
            super(message);
        }
    }
}
