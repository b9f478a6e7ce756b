package io.spillway.intake;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.spillway.intake.domain.ClusterStatus;
import io.spillway.intake.domain.ClusterStatus.ActiveJob;
import io.spillway.intake.domain.ClusterStatus.ProjectStatus;
import io.spillway.intake.domain.ClusterStatus.SiteStatus;
import io.spillway.intake.domain.JobState;
import io.spillway.intake.domain.Project;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ClusterStatusTest {

    private static final Map<String, Project> PROJECTS = Map.of(
            "vision", new Project("vision", 3, 1, 6.0, null, null),
            "nlp", new Project("nlp", 1, 1, null, null, null),
            "idle", new Project("idle", 2, 1, null, null, null));

    @Test
    void countsWaitingAndRunningJobsAndTheGpusTheirPlacementsHold() {
        ClusterStatus status = ClusterStatus.of(List.of(
                new ActiveJob("onprem", "vision", JobState.RUNNING, "onprem-0:0+1"),
                new ActiveJob("onprem", "vision", JobState.ALLOCATED, "onprem-0:2@0.25"),
                new ActiveJob("onprem", "vision", JobState.PENDING, null),
                new ActiveJob("onprem", "nlp", JobState.RUNNING, "onprem-0:3@0.5,onprem-1:0@0.5"),
                new ActiveJob("cloud", "nlp", JobState.SUBMITTED, null),
                new ActiveJob("cloud", "nlp", JobState.PREEMPTED, null)),
                Map.of("onprem", 4.0), PROJECTS);

        assertEquals(List.of(new SiteStatus("cloud", null, 0, 2, 0), new SiteStatus("onprem", 4.0, 3.25, 1, 3)),
                status.sites());
        assertEquals(List.of(
                new ProjectStatus("nlp", "cloud", 2, 0, 0, 1.0, null),
                new ProjectStatus("nlp", "onprem", 0, 1, 1.0, 1.0, null),
                new ProjectStatus("vision", "onprem", 1, 2, 2.25, 3.0, 6.0),
                new ProjectStatus("idle", null, 0, 0, 0, 2.0, null)), status.projects());
    }

    @Test
    void aSiteWithoutJobsStillShowsItsCapacity() {
        ClusterStatus status = ClusterStatus.of(List.of(), Map.of("cloud", 8.0), Map.of());

        assertEquals(List.of(new SiteStatus("cloud", 8.0, 0, 0, 0)), status.sites());
        assertEquals(List.of(), status.projects());
    }
}
