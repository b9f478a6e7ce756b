package io.spillway.platform;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StackDatabaseTest {

    @Test
    void aStackKeepsItsDatabaseAndAnotherStackGetsAnother(@TempDir Path home) {
        Path first = home.resolve("checkout-a/.spillway/platform");
        Path second = home.resolve("checkout-b/.spillway/platform");

        String database = Platform.stackDatabase(first);

        assertTrue(database.matches("spillway_[0-9a-f]{12}"), database);
        assertEquals(database, Platform.stackDatabase(first), "the same stack, started again");
        assertNotEquals(database, Platform.stackDatabase(second), "a second checkout on the same machine");
    }

    @Test
    void aStackStartedOverAfterDeletingItsStateGetsANewDatabase(@TempDir Path home) throws Exception {
        Path state = home.resolve(".spillway/platform");
        String before = Platform.stackDatabase(state);

        Files.delete(state.resolve("stack-id"));

        assertNotEquals(before, Platform.stackDatabase(state));
    }

    @Test
    void aDamagedStackIdIsRefusedSayingHowToStartOver(@TempDir Path state) throws Exception {
        Files.writeString(state.resolve("stack-id"), "spillway; DROP DATABASE x");

        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> Platform.stackDatabase(state));

        assertTrue(refused.getMessage().contains("delete it to give this stack a new, empty database"),
                refused.getMessage());
    }
}
