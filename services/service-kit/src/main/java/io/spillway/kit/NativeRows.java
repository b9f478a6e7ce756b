package io.spillway.kit;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.spillway.schemas.EventCodec;

/**
 * Reads the columns of a native query's {@code Object[]} rows. Hibernate Reactive hands back what its type resolution
 * chose for each column (a {@code timestamptz} as an OffsetDateTime, an Instant or a Timestamp; a number as any
 * {@code Number}), so each value is converted here rather than cast, the same way in every service.
 */
public final class NativeRows {

    private static final ObjectMapper MAPPER = EventCodec.shared().mapper();

    private NativeRows() {
    }

    public static String text(Object value) {
        return value == null ? null : value.toString();
    }

    public static boolean bool(Object value) {
        return value != null && (value instanceof Boolean b ? b : Boolean.parseBoolean(value.toString()));
    }

    public static Integer integer(Object value) {
        return value == null ? null : ((Number) value).intValue();
    }

    /** A count or a size; {@code 0} for {@code null}, as an aggregate over no rows gives. */
    public static long count(Object value) {
        return value == null ? 0 : ((Number) value).longValue();
    }

    public static Double dbl(Object value) {
        return value == null ? null : ((Number) value).doubleValue();
    }

    /** A {@code timestamptz} column, in UTC. */
    public static OffsetDateTime time(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof OffsetDateTime time) {
            return time.withOffsetSameInstant(ZoneOffset.UTC);
        }
        if (value instanceof Instant instant) {
            return instant.atOffset(ZoneOffset.UTC);
        }
        if (value instanceof ZonedDateTime zoned) {
            return zoned.toOffsetDateTime().withOffsetSameInstant(ZoneOffset.UTC);
        }
        if (value instanceof Timestamp timestamp) {
            return timestamp.toInstant().atOffset(ZoneOffset.UTC);
        }
        if (value instanceof LocalDateTime local) {
            // Only a driver that drops the zone gives this; PostgreSQL keeps timestamptz in UTC.
            return local.atOffset(ZoneOffset.UTC);
        }
        throw new IllegalStateException("Not a timestamp: " + value.getClass().getName());
    }

    /**
     * A list of texts the statement aggregated as JSON ({@code CAST(json_agg(...) AS text)}): Hibernate Reactive reads
     * no PostgreSQL array in a native query. Empty for {@code null}.
     */
    public static List<String> strings(Object value) {
        if (value == null) {
            return List.of();
        }
        try {
            return List.of(MAPPER.readValue(value.toString(), String[].class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Not a JSON array of texts: " + value, e);
        }
    }
}
