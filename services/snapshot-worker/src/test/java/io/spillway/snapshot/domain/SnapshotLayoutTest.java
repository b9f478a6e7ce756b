package io.spillway.snapshot.domain;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SnapshotLayoutTest {

    @Test
    void fansPacksOutByTheirFirstTwoCharacters() {
        assertEquals("packs/3f/3f" + "0".repeat(30), SnapshotLayout.packKey("3f" + "0".repeat(30)));
        assertThrows(IllegalArgumentException.class, () -> SnapshotLayout.packKey("../x"));
    }

    @Test
    void locatesAManifestByFilesystemAndSnapshotId() {
        assertEquals("snapshots/datasets/3f2c.json", SnapshotLayout.manifestKey("datasets", "3f2c"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "3f2c9a1e-7b4d-4f0a-9a0e-2d7c1b5e6f70", "nightly_2025.01.02", "a" })
    void acceptsIdsThatCanNameAnObject(String id) {
        assertEquals(id, SnapshotLayout.requireSafeId(id));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = { "..", ".", "a/b", "../x", "a b", "ü" })
    void refusesIdsThatCannotNameAnObject(String id) {
        assertEquals(SnapshotException.Reason.INVALID_REQUEST,
                assertThrows(SnapshotException.class, () -> SnapshotLayout.requireSafeId(id)).reason());
    }
}
