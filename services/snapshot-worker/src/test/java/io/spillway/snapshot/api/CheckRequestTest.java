package io.spillway.snapshot.api;

import org.junit.jupiter.api.Test;

import io.spillway.snapshot.api.CheckRequest.InvalidCheckRequest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckRequestTest {

    @Test
    void readDataIsAskedForExplicitlyAndStructureOnlyIsTheDefault() {
        assertTrue(CheckRequest.parse("{\"readData\": true}").readData());
        assertFalse(CheckRequest.parse("{\"readData\": false}").readData());
        assertFalse(CheckRequest.parse("{}").readData());
        assertFalse(CheckRequest.parse("{\"readData\": null}").readData());
        assertFalse(CheckRequest.parse("").readData());
        assertFalse(CheckRequest.parse(null).readData());
    }

    @Test
    void aBodyThatCannotBeUsedNamesTheFieldToFix() {
        assertInvalid("readData", "{\"readData\": \"yes\"}");
        assertInvalid("readData", "{\"readData\": 1}");
        assertInvalid("readdata", "{\"readdata\": true}");
        assertInvalid("body", "[true]");
        assertInvalid("body", "{\"readData\": tru");
    }

    private static void assertInvalid(String field, String body) {
        InvalidCheckRequest invalid = assertThrows(InvalidCheckRequest.class, () -> CheckRequest.parse(body));
        assertEquals(field, invalid.field(), invalid.getMessage());
    }
}
