package io.spillway.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** How results are printed: tables for people, the API's JSON (pretty-printed) for scripts; and value formats. */
final class Output {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** {@code -o table|json}. */
    enum Format {
        TABLE,
        JSON
    }

    /** Accepts {@code table} and {@code json} in any case. */
    static final class FormatConverter implements ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            try {
                return Format.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' is not an output format; use table or json");
            }
        }
    }

    private Output() {
    }

    static String pretty(JsonNode json) {
        try {
            return JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed tree always serializes", e);
        }
    }

    /** A JSON text field, or {@code null} when it is absent or null. */
    static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? null : value.asText();
    }

    /** GPUs and CPUs: {@code 1}, {@code 0.5}, {@code 1.25}; {@code null} when absent. */
    static String number(JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            return value.asText();
        }
        double number = value.asDouble();
        return number == Math.rint(number) ? Long.toString((long) number) : stripZeros(number);
    }

    /** How long ago, the way {@code kubectl} says it: {@code 45s}, {@code 12m}, {@code 3h}, {@code 5d}. */
    static String age(String timestamp, Instant now) {
        if (timestamp == null) {
            return null;
        }
        Instant then;
        try {
            then = Instant.parse(timestamp);
        } catch (DateTimeParseException e) {
            return "?";
        }
        long seconds = Math.max(0, Duration.between(then, now).getSeconds());
        if (seconds < 120) {
            return seconds + "s";
        }
        if (seconds < 2 * 3600) {
            return seconds / 60 + "m";
        }
        if (seconds < 2 * 86400) {
            return seconds / 3600 + "h";
        }
        return seconds / 86400 + "d";
    }

    private static String stripZeros(double number) {
        String text = String.format(Locale.ROOT, "%.3f", number);
        return text.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
