package io.spillway.kit;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Reading the columns of a native query's {@code Object[]} rows, whose Java types follow the driver and dialect
 * (a {@code timestamptz} may come back as an OffsetDateTime, an Instant or a Timestamp; a count as a Long or an
 * Integer). One place decides, so every service reads them alike.
 */
public final class NativeRows {

    private NativeRows() {
    }

    public static OffsetDateTime offsetDateTime(Object column) {
        if (column == null) {
            return null;
        }
        if (column instanceof OffsetDateTime time) {
            return time;
        }
        if (column instanceof Instant instant) {
            return instant.atOffset(ZoneOffset.UTC);
        }
        if (column instanceof java.sql.Timestamp timestamp) {
            return timestamp.toInstant().atOffset(ZoneOffset.UTC);
        }
        if (column instanceof java.time.ZonedDateTime zoned) {
            return zoned.toOffsetDateTime();
        }
        if (column instanceof LocalDateTime local) {
            return local.atOffset(ZoneOffset.UTC);
        }
        throw new IllegalArgumentException("Not a timestamp: " + column.getClass().getName());
    }

    public static long longValue(Object column) {
        return column == null ? 0 : ((Number) column).longValue();
    }

    public static Integer integer(Object column) {
        return column == null ? null : ((Number) column).intValue();
    }

    public static String string(Object column) {
        return column == null ? null : column.toString();
    }
}
