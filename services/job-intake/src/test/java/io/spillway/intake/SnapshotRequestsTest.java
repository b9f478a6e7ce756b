package io.spillway.intake;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.spillway.intake.domain.SnapshotRequests;
import io.spillway.intake.domain.SnapshotRequests.RestoreRequest;
import io.spillway.intake.domain.SnapshotRequests.SnapshotRequest;
import io.spillway.intake.domain.Violation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnapshotRequestsTest {

    private static final Set<String> SITES = Set.of("onprem", "cloud");

    @Test
    void acceptsASnapshotOfAFilesystemOrOfAPathInIt() {
        assertEquals(List.of(), SnapshotRequests.validate(new SnapshotRequest("onprem", "datasets", null), SITES));
        assertEquals(List.of(), SnapshotRequests.validate(new SnapshotRequest("onprem", "datasets", "imagenet/train"),
                SITES));
    }

    @Test
    void namesEachBadFieldOfASnapshotRequest() {
        assertEquals(List.of("site", "filesystem", "path"), fields(SnapshotRequests.validate(
                new SnapshotRequest("Onprem", "Data_Sets", "../etc"), SITES)));
        assertEquals(List.of("site", "filesystem"), fields(SnapshotRequests.validate(
                new SnapshotRequest(null, " ", null), SITES)));
        assertEquals(List.of("path"), fields(SnapshotRequests.validate(new SnapshotRequest("onprem", "data", "/abs"),
                SITES)));
    }

    @Test
    void refusesASiteThatIsNotConfiguredSayingWhichAre() {
        List<Violation> violations = SnapshotRequests.validate(new SnapshotRequest("mars", "data", null), SITES);

        assertEquals(List.of("site"), fields(violations));
        assertTrue(violations.get(0).message().contains("[cloud, onprem]"), violations.toString());
    }

    @Test
    void aRestoreNamesExactlyOneSnapshotOrLocatorAndALocatorNeedsAFilesystem() {
        assertEquals(List.of(), SnapshotRequests.validate(new RestoreRequest("s1", null, "cloud", null, null), SITES));
        assertEquals(List.of(), SnapshotRequests.validate(new RestoreRequest(null, "snapshots/d/s1.json", "cloud", "d",
                List.of("hot/")), SITES));
        assertEquals(List.of("snapshotId"), fields(SnapshotRequests.validate(
                new RestoreRequest(null, null, "cloud", null, null), SITES)));
        assertEquals(List.of("snapshotId"), fields(SnapshotRequests.validate(
                new RestoreRequest("s1", "snapshots/d/s1.json", "cloud", null, null), SITES)));
        assertEquals(List.of("filesystem"), fields(SnapshotRequests.validate(
                new RestoreRequest(null, "snapshots/d/s1.json", "cloud", null, null), SITES)));
        assertEquals(List.of("site", "priorityPaths[1]"), fields(SnapshotRequests.validate(
                new RestoreRequest("s1", null, "moon", null, List.of("ok", "a/../../b")), SITES)));
    }

    private static List<String> fields(List<Violation> violations) {
        return violations.stream().map(Violation::field).toList();
    }
}
