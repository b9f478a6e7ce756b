package io.spillway.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import io.spillway.schemas.EventContractException.Reason;

/**
 * Turns events into CloudEvents data and back, holding every event to its JSON Schema both ways: a producer cannot
 * emit what a consumer would refuse. Thread-safe; build one and share it ({@link #shared()}).
 */
public final class EventCodec {

    private static final EventCodec SHARED = new EventCodec();

    private final ObjectMapper mapper;
    private final Map<EventType, JsonSchema> schemas = new EnumMap<>(EventType.class);

    public EventCodec() {
        mapper = JsonMapper.builder()
                // Within v1 producers may add optional fields; consumers ignore what they do not know.
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .build();
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        for (EventType type : EventType.values()) {
            try (InputStream in = EventCodec.class.getResourceAsStream(type.schemaResource())) {
                if (in == null) {
                    throw new IllegalStateException("No JSON Schema on the classpath for " + type.ceType()
                            + " at " + type.schemaResource());
                }
                schemas.put(type, factory.getSchema(in));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public static EventCodec shared() {
        return SHARED;
    }

    /** The mapper used for event data, for callers that need to render an event as JSON elsewhere. */
    public ObjectMapper mapper() {
        return mapper;
    }

    /** The JSON data of an event, after checking it against its schema. */
    public byte[] encode(SpillwayEvent event) {
        EventType type = EventType.of(event);
        JsonNode node = mapper.valueToTree(event);
        validate(type, node);
        try {
            return mapper.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write " + type.ceType(), e);
        }
    }

    /**
     * The event of type {@code ceType} carried by {@code data}.
     *
     * @throws EventContractException when the type is unknown, the data is not JSON or breaks the schema
     */
    public SpillwayEvent decode(String ceType, byte[] data) {
        EventType type = typeOf(ceType);
        JsonNode node = parse(type, data);
        validate(type, node);
        try {
            return mapper.treeToValue(node, type.recordClass());
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new EventContractException(Reason.SCHEMA_VIOLATION, ceType,
                    type.eventName() + " data does not map to the event: " + firstLine(e.getMessage()), e);
        }
    }

    /** Decodes and type-checks in one step, for consumers that expect one event type. */
    public <E extends SpillwayEvent> E decode(Class<E> expected, byte[] data) {
        return expected.cast(decode(EventType.of(expected).ceType(), data));
    }

    /** Validates JSON of type {@code ceType} against its schema without mapping it, as an ingest endpoint does. */
    public JsonNode validate(String ceType, byte[] data) {
        EventType type = typeOf(ceType);
        JsonNode node = parse(type, data);
        validate(type, node);
        return node;
    }

    /** Rebuilds a CloudEvent from its binary-mode attributes and data. */
    public CloudEvent toCloudEvent(Map<String, String> attributes, byte[] data) {
        String ceType = required(attributes, CloudEventHeaders.TYPE, null);
        String id = required(attributes, CloudEventHeaders.ID, ceType);
        String source = required(attributes, CloudEventHeaders.SOURCE, ceType);
        SpillwayEvent event = decode(ceType, data);
        OffsetDateTime time = null;
        String rawTime = attributes.get(CloudEventHeaders.TIME);
        if (rawTime != null) {
            try {
                time = OffsetDateTime.parse(rawTime);
            } catch (DateTimeParseException e) {
                throw new EventContractException(Reason.MISSING_HEADER, ceType,
                        "ce_time '" + rawTime + "' is not an RFC 3339 timestamp", e);
            }
        }
        return new CloudEvent(id, source, time, attributes.get(CloudEventHeaders.TRACEPARENT), event);
    }

    private static String required(Map<String, String> attributes, String name, String ceType) {
        String value = attributes.get(name);
        if (value == null || value.isBlank()) {
            throw new EventContractException(Reason.MISSING_HEADER, ceType, "CloudEvent header '" + name
                    + "' is missing");
        }
        return value;
    }

    private static EventType typeOf(String ceType) {
        if (ceType == null) {
            throw new EventContractException(Reason.MISSING_HEADER, null, "CloudEvent header 'ce_type' is missing");
        }
        return EventType.fromCeType(ceType).orElseThrow(() -> new EventContractException(Reason.UNKNOWN_TYPE, ceType,
                "Unknown event type '" + ceType + "'; known types are io.spillway.<EventName>.v1, e.g. "
                        + EventType.JOB_SUBMITTED.ceType()));
    }

    private JsonNode parse(EventType type, byte[] data) {
        if (data == null || data.length == 0) {
            throw new EventContractException(Reason.MALFORMED_JSON, type.ceType(), type.eventName()
                    + " has no data");
        }
        try {
            return mapper.readTree(data);
        } catch (IOException e) {
            throw new EventContractException(Reason.MALFORMED_JSON, type.ceType(), type.eventName()
                    + " data is not valid JSON: " + firstLine(e.getMessage()), e);
        }
    }

    private void validate(EventType type, JsonNode node) {
        Set<ValidationMessage> errors = schemas.get(type).validate(node);
        if (!errors.isEmpty()) {
            String details = errors.stream().map(ValidationMessage::getMessage).sorted()
                    .collect(Collectors.joining("; "));
            throw new EventContractException(Reason.SCHEMA_VIOLATION, type.ceType(),
                    type.eventName() + " breaks its schema: " + details);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    static String utf8(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
