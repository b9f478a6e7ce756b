package io.spillway.burst.messaging;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.spillway.burst.persistence.BurstStore.KnownJob;
import io.spillway.burst.saga.Candidate;
import io.spillway.burst.saga.SagaCommand;
import io.spillway.burst.saga.Volume;
import io.spillway.schemas.BurstCandidate;
import io.spillway.schemas.BurstEvent.BurstFailed;
import io.spillway.schemas.BurstEvent.ClusterBurstReady;
import io.spillway.schemas.BurstEvent.ClusterBurstReleased;
import io.spillway.schemas.JobEvent.JobRerouted;
import io.spillway.schemas.StorageEvent.RestoreRequested;
import io.spillway.schemas.StorageEvent.SnapshotRequested;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Each saga command becomes the event the other services act on, and candidates get the volumes jobs declared. */
class CommandEventsTest {

    @Test
    void turnsEachCommandIntoItsEvent() {
        assertEquals(new SnapshotRequested("s1", "onprem", "datasets", "imagenet", "b1"),
                CommandEvents.event(new SagaCommand.RequestSnapshot("b1", null, "s1", "onprem", "datasets",
                        "imagenet")));
        assertEquals(new RestoreRequested("r1", "loc", "onprem", "scratch", List.of(), "b1",
                ".spillway-bursts/b1/j1"),
                CommandEvents.event(new SagaCommand.RequestRestore("b1", "j1", "r1", "loc", "onprem", "scratch",
                        List.of(), Optional.of(".spillway-bursts/b1/j1"))));
        assertNull(((RestoreRequested) CommandEvents.event(new SagaCommand.RequestRestore("b1", null, "r1", "loc",
                "cloud", "datasets", List.of("imagenet"), Optional.empty()))).targetPath());
        assertEquals(new ClusterBurstReady("b1", "onprem", "cloud", List.of("datasets"), List.of("j1")),
                CommandEvents.event(new SagaCommand.AnnounceReady("b1", "onprem", "cloud", List.of("datasets"),
                        List.of("j1"))));
        assertEquals(new JobRerouted("j1", "onprem", "cloud", "b1"),
                CommandEvents.event(new SagaCommand.Reroute("b1", "j1", "onprem", "cloud")));
        assertEquals(new BurstFailed("b1", "onprem", "cloud", "restore", "timed out"),
                CommandEvents.event(new SagaCommand.Fail("b1", "onprem", "cloud", "restore", "timed out")));
    }

    @Test
    void releaseListsEachJobWhoseResultsDidNotComeHomeWithWhy() {
        ClusterBurstReleased released = (ClusterBurstReleased) CommandEvents.event(new SagaCommand.Release("b1",
                "onprem", "cloud", 2, 100, 7, Map.of("run", 5L),
                Map.of("j2", "restore failed: disk full", "j1", "snapshot timed out after 10m")));
        assertEquals(List.of("j1: snapshot timed out after 10m", "j2: restore failed: disk full"),
                released.resultsNotHome());
        assertEquals(2, released.jobsRun());
    }

    @Test
    void onlyJobCommandsContinueAJobsTrace() {
        assertEquals("j1", CommandEvents.jobOf(new SagaCommand.Reroute("b1", "j1", "onprem", "cloud")));
        assertEquals("j1", CommandEvents.jobOf(new SagaCommand.RequestSnapshot("b1", "j1", "s", "cloud", "fs", null)));
        assertNull(CommandEvents.jobOf(new SagaCommand.RequestSnapshot("b1", null, "s", "onprem", "fs", null)));
        assertNull(CommandEvents.jobOf(new SagaCommand.Fail("b1", "onprem", "cloud", "snapshot", "gone")));
    }

    @Test
    void aCandidateMountsWhatItsJobDeclaredOrElseEachFilesystemWholeAndWritable() {
        List<Candidate> candidates = QueueSignalConsumer.candidates(
                List.of(new BurstCandidate("known", "vision", 2, List.of("datasets")),
                        new BurstCandidate("unknown", "vision", 1, List.of("datasets", "scratch"))),
                Map.of("known", new KnownJob("known", List.of(new Volume("datasets", "imagenet", true)), null)));
        assertEquals(List.of(new Volume("datasets", "imagenet", true)), candidates.get(0).volumes());
        assertEquals(List.of(Volume.whole("datasets"), Volume.whole("scratch")), candidates.get(1).volumes());
        assertEquals(2.0, candidates.get(0).gpus());
    }
}
