package io.spillway.storage.domain;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.spillway.storage.domain.FilesystemException.Reason;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FilesystemLayoutTest {

    private final FilesystemLayout layout = new FilesystemLayout(Path.of("/srv/spillway/onprem"));
    private final FilesystemName datasets = FilesystemName.of("datasets");

    @Test
    void placesEachFilesystemInItsOwnDirectoryUnderTheRoot() {
        assertEquals(Path.of("/srv/spillway/onprem/datasets"), layout.directoryOf(datasets));
    }

    @Test
    void makesARelativeRootAbsolute() {
        FilesystemLayout relative = new FilesystemLayout(Path.of("target/../target/fs"));
        assertTrue(relative.root().isAbsolute());
        assertEquals(Path.of("target/fs").toAbsolutePath(), relative.root());
    }

    @Test
    void resolvesTheFilesystemItselfWithoutASubPath() {
        assertEquals(Path.of("/srv/spillway/onprem/datasets"), layout.resolve(datasets, null));
        assertEquals(Path.of("/srv/spillway/onprem/datasets"), layout.resolve(datasets, ""));
    }

    @Test
    void resolvesSubPathsInsideTheFilesystem() {
        assertEquals(Path.of("/srv/spillway/onprem/datasets/imagenet/train"),
                layout.resolve(datasets, "imagenet/train"));
        assertEquals(Path.of("/srv/spillway/onprem/datasets/b"), layout.resolve(datasets, "a/../b"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "..", "../results", "a/../../results", "imagenet/../../../etc/passwd", "/etc/passwd" })
    void refusesSubPathsThatLeaveTheFilesystem(String subPath) {
        FilesystemException error = assertThrows(FilesystemException.class,
                () -> layout.resolve(datasets, subPath));
        assertEquals(Reason.PATH_ESCAPES_FILESYSTEM, error.reason());
    }

    @Test
    void refusesASiblingWhoseNameStartsLikeTheFilesystem() {
        // "datasets-old" starts with the characters of "datasets" but is another filesystem.
        assertThrows(FilesystemException.class, () -> layout.resolve(datasets, "../datasets-old/x"));
    }
}
