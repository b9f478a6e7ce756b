package io.spillway.snapshot.domain;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.spillway.snapshot.domain.SnapshotException.Reason;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SiteRootsTest {

    private final SiteRoots roots = new SiteRoots(Map.of("onprem", Path.of("/srv/onprem"), "cloud",
            Path.of("/mnt/cloud/")));

    @Test
    void resolvesAFilesystemUnderItsSitesRoot() {
        assertEquals(Path.of("/srv/onprem/datasets"), roots.resolve("onprem", "datasets", null));
        assertEquals(Path.of("/mnt/cloud/datasets"), roots.resolve("cloud", "datasets", ""));
    }

    @Test
    void resolvesAPathInsideTheFilesystem() {
        assertEquals(Path.of("/srv/onprem/datasets/imagenet/train"),
                roots.resolve("onprem", "datasets", "imagenet/train"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "..", "../results", "imagenet/../../results", "/etc" })
    void refusesAPathThatLeavesTheFilesystem(String path) {
        SnapshotException error = assertThrows(SnapshotException.class,
                () -> roots.resolve("onprem", "datasets", path));
        assertEquals(Reason.INVALID_REQUEST, error.reason());
    }

    @Test
    void refusesAFilesystemNameThatIsNotALabel() {
        assertEquals(Reason.INVALID_REQUEST, assertThrows(SnapshotException.class,
                () -> roots.resolve("onprem", "..", null)).reason());
    }

    @Test
    void reportsASiteWithoutAConfiguredRoot() {
        SnapshotException error = assertThrows(SnapshotException.class,
                () -> roots.resolve("mars", "datasets", null));
        assertEquals(Reason.UNKNOWN_SITE, error.reason());
    }
}
