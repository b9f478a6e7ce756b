package io.spillway.schemas;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.UUID;

/**
 * A Spillway event with its CloudEvents context attributes, as it travels in Kafka binary mode.
 *
 * @param id unique per event; consumers de-duplicate on it, so a re-sent event keeps its id
 * @param source {@code /sites/<site>/<service>}
 * @param traceparent the W3C trace context of the job or entity the event belongs to, or {@code null}
 */
public record CloudEvent(String id, String source, OffsetDateTime time, String traceparent, SpillwayEvent data) {

    public static final String SPEC_VERSION = "1.0";

    public CloudEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(data, "data");
        time = time == null ? OffsetDateTime.now(ZoneOffset.UTC) : time;
    }

    /** A new event with a fresh id, stamped now. */
    public static CloudEvent of(String source, SpillwayEvent data, String traceparent) {
        return new CloudEvent(UUID.randomUUID().toString(), source, OffsetDateTime.now(ZoneOffset.UTC), traceparent,
                data);
    }

    /** The source of a service at a site: {@code /sites/<site>/<service>}. */
    public static String source(String site, String service) {
        return "/sites/" + site + "/" + service;
    }

    public String type() {
        return data.ceType();
    }

    public String subject() {
        return data.subject();
    }

    public String topic() {
        return data.topic();
    }
}
