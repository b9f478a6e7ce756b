package io.spillway.storage.domain;

import org.junit.jupiter.api.Test;

import io.spillway.storage.domain.FilesystemException.Reason;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DeletionRuleTest {

    private final FilesystemName datasets = FilesystemName.of("datasets");

    @Test
    void allowsDeletingAFilesystemNoJobMounts() {
        assertDoesNotThrow(() -> DeletionRule.check(datasets, 0));
    }

    @Test
    void refusesDeletingAMountedFilesystemAndSaysByHowManyJobs() {
        FilesystemException error = assertThrows(FilesystemException.class, () -> DeletionRule.check(datasets, 2));
        assertEquals(Reason.MOUNTED, error.reason());
        assertEquals("Filesystem 'datasets' is mounted by 2 running job(s); release their mounts first",
                error.getMessage());
    }
}
