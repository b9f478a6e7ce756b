package io.spillway.schemas;

import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka serializer writing a {@link CloudEvent} in binary mode: {@code ce_*} headers, JSON data as the value. */
public class CloudEventSerializer implements Serializer<CloudEvent> {

    private final EventCodec codec = EventCodec.shared();

    @Override
    public byte[] serialize(String topic, CloudEvent event) {
        throw new UnsupportedOperationException("CloudEvents binary mode needs record headers");
    }

    @Override
    public byte[] serialize(String topic, Headers headers, CloudEvent event) {
        if (event == null) {
            return null;
        }
        byte[] data = codec.encode(event.data());
        put(headers, CloudEventHeaders.ID, event.id());
        put(headers, CloudEventHeaders.SOURCE, event.source());
        put(headers, CloudEventHeaders.SPEC_VERSION, CloudEvent.SPEC_VERSION);
        put(headers, CloudEventHeaders.TYPE, event.type());
        put(headers, CloudEventHeaders.SUBJECT, event.subject());
        put(headers, CloudEventHeaders.TIME, rfc3339(event));
        put(headers, CloudEventHeaders.CONTENT_TYPE, "application/json");
        // The event's own trace context wins: it is the trace of the job or entity, which is what ties one
        // job's spans together across services, whatever thread or context the event is sent from.
        if (event.traceparent() != null) {
            put(headers, CloudEventHeaders.TRACEPARENT, event.traceparent());
        }
        return data;
    }

    /**
     * RFC 3339 always has seconds; {@code OffsetDateTime.toString()} drops them when they are zero, which strict
     * CloudEvents readers refuse.
     */
    static String rfc3339(CloudEvent event) {
        return DateTimeFormatter.ISO_INSTANT.format(event.time());
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
