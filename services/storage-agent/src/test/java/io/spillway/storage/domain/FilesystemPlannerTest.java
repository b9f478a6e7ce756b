package io.spillway.storage.domain;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.spillway.storage.domain.FilesystemException.Reason;
import io.spillway.storage.domain.FilesystemPlanner.Decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FilesystemPlannerTest {

    private final FilesystemPlanner planner = new FilesystemPlanner("onprem",
            new FilesystemLayout(Path.of("/srv/onprem")));

    @Test
    void providesAFilesystemRequestedForThisSite() {
        Decision decision = planner.plan("onprem", "datasets");

        Decision.Provide provide = assertInstanceOf(Decision.Provide.class, decision);
        assertEquals(FilesystemName.of("datasets"), provide.name());
        assertEquals(Path.of("/srv/onprem/datasets"), provide.directory());
    }

    @Test
    void leavesRequestsForAnotherSiteToThatSite() {
        assertInstanceOf(Decision.NotThisSite.class, planner.plan("cloud", "datasets"));
    }

    @Test
    void leavesRequestsForAnotherSiteAloneEvenWithANameItWouldRefuse() {
        assertInstanceOf(Decision.NotThisSite.class, planner.plan("cloud", "Not_Valid"));
    }

    @Test
    void refusesAnInvalidNameForThisSite() {
        FilesystemException error = assertThrows(FilesystemException.class, () -> planner.plan("onprem", ".."));
        assertEquals(Reason.INVALID_NAME, error.reason());
    }
}
