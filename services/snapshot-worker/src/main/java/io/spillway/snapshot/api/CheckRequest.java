package io.spillway.snapshot.api;

import java.io.IOException;
import java.util.Iterator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The body of {@code POST /api/v1/snapshots/check}: {@code {"readData": true}} reads every pack and hashes every
 * chunk, {@code false} (and an empty body) checks the structure only. Parsed here rather than bound, so a misspelt
 * field is refused by name instead of silently meaning a check without data.
 */
public record CheckRequest(boolean readData) {

    static final String READ_DATA = "readData";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** @throws InvalidCheckRequest naming the field to fix */
    public static CheckRequest parse(String body) {
        if (body == null || body.isBlank()) {
            return new CheckRequest(false);
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            throw new InvalidCheckRequest("body", "is not valid JSON: " + e.getMessage().split("\n")[0]);
        }
        if (json == null || !json.isObject()) {
            throw new InvalidCheckRequest("body", "must be a JSON object such as {\"readData\": true}");
        }
        for (Iterator<String> fields = json.fieldNames(); fields.hasNext();) {
            String field = fields.next();
            if (!field.equals(READ_DATA)) {
                throw new InvalidCheckRequest(field, "is not a field of a check request; the only one is "
                        + READ_DATA + " (true: read every pack and hash every chunk; false: structure only)");
            }
        }
        JsonNode readData = json.path(READ_DATA);
        if (readData.isMissingNode() || readData.isNull()) {
            return new CheckRequest(false);
        }
        if (!readData.isBoolean()) {
            throw new InvalidCheckRequest(READ_DATA, "must be true or false, not " + readData);
        }
        return new CheckRequest(readData.booleanValue());
    }

    /** A body that cannot be used, naming the field to fix; answered with 400. */
    public static final class InvalidCheckRequest extends RuntimeException {

        private final String field;

        InvalidCheckRequest(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }
}
