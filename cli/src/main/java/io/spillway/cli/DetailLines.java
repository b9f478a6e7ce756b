package io.spillway.cli;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The {@code Label: value} lines of a describe command. Labels are padded to one width so that the values line up,
 * and {@code -} stands for a value the API left out, so that every block of a kind has the same lines.
 */
final class DetailLines {

    private final StringBuilder text;
    private final String format;

    /** Lines appended to {@code text}, each starting with {@code indent}. */
    DetailLines(StringBuilder text, String indent, int labelWidth) {
        this.text = text;
        this.format = indent + "%-" + labelWidth + "s%s\n";
    }

    void add(String label, String value) {
        text.append(String.format(format, label + ":", value == null ? "-" : value));
    }

    /** For facts that only matter when there are some, e.g. why a job waits. */
    void addIfPresent(String label, String value) {
        if (value != null) {
            add(label, value);
        }
    }

    /** When the item was created (and how long before {@code now}) and last updated. */
    void addTimestamps(JsonNode item, Instant now) {
        String created = Output.text(item, "createdAt");
        add("Created", created == null ? null : created + " (" + Output.age(created, now) + " ago)");
        add("Updated", Output.text(item, "updatedAt"));
    }
}
