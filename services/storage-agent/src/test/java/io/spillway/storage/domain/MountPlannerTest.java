package io.spillway.storage.domain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import io.spillway.storage.domain.FilesystemException.Reason;
import io.spillway.storage.domain.MountPlanner.Mount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MountPlannerTest {

    @TempDir
    Path root;

    private final FilesystemName results = FilesystemName.of("results");

    @Test
    void givesTheHostPathAndTheClaimNamedAfterTheFilesystem() throws IOException {
        Path train = Files.createDirectories(root.resolve("results/run-1")).toRealPath();
        MountPlanner planner = planner(Optional.of("csi-lustre"));

        Mount mount = planner.plan(results, "job-42", "run-1", true);

        assertEquals(train, mount.hostPath());
        assertEquals("spillway-fs-results", mount.claimName());
        assertEquals(Optional.of("csi-lustre"), mount.storageClass());
        assertEquals("run-1", mount.subPath());
        assertTrue(mount.readOnly());
    }

    @Test
    void mountsTheWholeFilesystemWithoutASubPathAndTheDefaultStorageClass() throws IOException {
        Path directory = Files.createDirectories(root.resolve("results")).toRealPath();

        Mount mount = planner(Optional.empty()).plan(results, "job-42", null, false);

        assertEquals(directory, mount.hostPath());
        assertEquals("", mount.subPath());
        assertFalse(mount.readOnly());
        assertEquals(Optional.empty(), mount.storageClass());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = { "  " })
    void refusesAMountWithoutAJob(String jobId) throws IOException {
        Files.createDirectories(root.resolve("results"));

        FilesystemException error = assertThrows(FilesystemException.class,
                () -> planner(Optional.empty()).plan(results, jobId, "", false));
        assertEquals(Reason.INVALID_JOB_ID, error.reason());
    }

    @Test
    void refusesASubPathThatEscapes() throws IOException {
        Files.createDirectories(root.resolve("results"));

        FilesystemException error = assertThrows(FilesystemException.class,
                () -> planner(Optional.empty()).plan(results, "job-42", "../other", false));
        assertEquals(Reason.PATH_ESCAPES_FILESYSTEM, error.reason());
    }

    private MountPlanner planner(Optional<String> storageClass) {
        return new MountPlanner(new SubPathGuard(new FilesystemLayout(root)), "spillway-fs-", storageClass);
    }
}
