package io.spillway.storage.domain;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import io.spillway.storage.domain.FilesystemException.Reason;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FilesystemNameTest {

    @ParameterizedTest
    @ValueSource(strings = { "datasets", "results", "a", "team-7", "0abc9" })
    void acceptsDns1123Labels(String name) {
        assertEquals(name, FilesystemName.of(name).value());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = { "Datasets", "-datasets", "datasets-", "data_sets", "data.sets", "..", "../etc",
            "a/b", "data sets", "x234567890123456789012345678901234567890123456789012345678901234" })
    void refusesNamesThatAreNotDns1123Labels(String name) {
        FilesystemException error = assertThrows(FilesystemException.class, () -> FilesystemName.of(name));
        assertEquals(Reason.INVALID_NAME, error.reason());
    }

    @ParameterizedTest
    @ValueSource(strings = { "x23456789012345678901234567890123456789012345678901234567890123" })
    void acceptsSixtyThreeCharacters(String name) {
        assertEquals(63, FilesystemName.of(name).value().length());
    }
}
