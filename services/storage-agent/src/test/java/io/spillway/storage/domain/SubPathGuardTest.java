package io.spillway.storage.domain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.spillway.storage.domain.FilesystemException.Reason;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SubPathGuardTest {

    @TempDir
    Path temp;

    private final FilesystemName datasets = FilesystemName.of("datasets");
    private Path root;
    private Path filesystem;
    private Path outside;
    private SubPathGuard guard;

    @BeforeEach
    void createRootWithAFilesystemAndADirectoryOutsideIt() throws IOException {
        root = Files.createDirectories(temp.resolve("root"));
        filesystem = Files.createDirectories(root.resolve("datasets/imagenet/train"))
                .getParent().getParent().toRealPath();
        outside = Files.createDirectories(temp.resolve("secrets")).toRealPath();
        guard = new SubPathGuard(new FilesystemLayout(root));
    }

    @Test
    void resolvesTheFilesystemItselfWithoutASubPath() {
        assertEquals(filesystem, guard.realPath(datasets, null));
        assertEquals(filesystem, guard.realPath(datasets, ""));
    }

    @Test
    void resolvesAnExistingSubPathToItsRealDirectory() {
        assertEquals(filesystem.resolve("imagenet/train"), guard.realPath(datasets, "imagenet/train"));
    }

    @Test
    void resolvesASubPathThatDoesNotExistYetUnderItsExistingAncestor() {
        assertEquals(filesystem.resolve("imagenet/val/2026"), guard.realPath(datasets, "imagenet/val/2026"));
    }

    @Test
    void followsASymlinkThatStaysInsideTheFilesystem() throws IOException {
        Files.createSymbolicLink(filesystem.resolve("current"), filesystem.resolve("imagenet"));

        assertEquals(filesystem.resolve("imagenet/train"), guard.realPath(datasets, "current/train"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "..", "../results", "a/../b", "imagenet/../../etc", "/etc/passwd", "/" })
    void refusesDotDotAndAbsoluteSubPaths(String subPath) {
        FilesystemException error = assertThrows(FilesystemException.class, () -> guard.realPath(datasets, subPath));
        assertEquals(Reason.PATH_ESCAPES_FILESYSTEM, error.reason());
    }

    @Test
    void refusesASymlinkInsideTheFilesystemThatPointsOutsideIt() throws IOException {
        Files.createSymbolicLink(filesystem.resolve("escape"), outside);

        FilesystemException error = assertThrows(FilesystemException.class,
                () -> guard.realPath(datasets, "escape"));
        assertEquals(Reason.PATH_ESCAPES_FILESYSTEM, error.reason());
        assertTrue(error.getMessage().contains(outside.toString()), "names where it leads: " + error.getMessage());
    }

    @Test
    void refusesAPathBelowAnEscapingSymlinkEvenWhenItDoesNotExistYet() throws IOException {
        Files.createSymbolicLink(filesystem.resolve("escape"), outside);

        assertThrows(FilesystemException.class, () -> guard.realPath(datasets, "escape/new/dir"));
    }

    @Test
    void refusesASymlinkToASiblingFilesystem() throws IOException {
        Path sibling = Files.createDirectories(root.resolve("datasets-old"));
        Files.createSymbolicLink(filesystem.resolve("old"), sibling);

        assertThrows(FilesystemException.class, () -> guard.realPath(datasets, "old"));
    }

    @Test
    void refusesADanglingSymlink() throws IOException {
        Files.createSymbolicLink(filesystem.resolve("dangling"), temp.resolve("not-there"));

        FilesystemException error = assertThrows(FilesystemException.class,
                () -> guard.realPath(datasets, "dangling/x"));
        assertEquals(Reason.PATH_ESCAPES_FILESYSTEM, error.reason());
    }

    @Test
    void checksAgainstTheRealRootWhenTheRootItselfIsASymlink() throws IOException {
        Path linkedRoot = Files.createSymbolicLink(temp.resolve("linked-root"), root);
        SubPathGuard viaLink = new SubPathGuard(new FilesystemLayout(linkedRoot));

        assertEquals(filesystem.resolve("imagenet"), viaLink.realPath(datasets, "imagenet"));
    }
}
