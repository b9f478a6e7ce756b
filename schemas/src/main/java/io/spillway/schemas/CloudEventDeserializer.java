package io.spillway.schemas;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka deserializer reading a {@link CloudEvent} in binary mode; it dispatches on {@code ce_type} and throws
 * {@link EventContractException} for an unknown type, malformed JSON or data that breaks the event's schema.
 */
public class CloudEventDeserializer implements Deserializer<CloudEvent> {

    private final EventCodec codec = EventCodec.shared();

    @Override
    public CloudEvent deserialize(String topic, byte[] data) {
        throw new UnsupportedOperationException("CloudEvents binary mode needs record headers");
    }

    @Override
    public CloudEvent deserialize(String topic, Headers headers, byte[] data) {
        if (data == null) {
            return null;
        }
        return codec.toCloudEvent(attributes(headers), data);
    }

    /** The string value of every header, last one winning, as CloudEvents attributes. */
    public static Map<String, String> attributes(Headers headers) {
        Map<String, String> attributes = new HashMap<>();
        for (Header header : headers) {
            attributes.put(header.key(), EventCodec.utf8(header.value()));
        }
        return attributes;
    }
}
