package io.spillway.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoCommandTest {

    @TempDir
    Path home;

    @Test
    void refusesOutOfRangeNumbersBeforeStartingAnythingNamingTheOption() {
        for (String[] args : List.of(new String[] { "demo", "--jobs", "0" },
                new String[] { "demo", "--dataset-mib", "5000" }, new String[] { "demo", "--job-seconds", "-1" },
                new String[] { "demo", "--timeout", "0" }, new String[] { "demo", "--shards", "101" },
                new String[] { "demo", "--change-percent", "-1" }, new String[] { "demo", "--change-percent", "100.5" },
                new String[] { "demo", "--dataset", "Data_Sets" })) {
            CliRun run = CliRun.of(env(), args);

            assertEquals(ExitCodes.USAGE, run.exitCode(), run.toString());
            assertTrue(run.err().contains(args[1] + " must be"), run.toString());
            assertTrue(run.out().isEmpty(), "nothing started: " + run);
        }
    }

    @Test
    void refusesANumberThatIsNotOne() {
        CliRun run = CliRun.of(env(), "demo", "--jobs", "many");

        assertEquals(ExitCodes.USAGE, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--jobs"), run.toString());
    }

    @Test
    void startsNoStackForARemoteUrlThatDoesNotAnswerAndSaysSo() {
        CliRun run = CliRun.of(env(), "demo", "--url", "http://127.0.0.1:1", "--token", "t");

        assertEquals(ExitCodes.UNREACHABLE, run.exitCode(), run.toString());
        assertTrue(run.err().contains("Spillway at http://127.0.0.1:1 is not ready"), run.toString());
    }

    @Test
    void helpListsTheScenarioOptions() {
        CliRun run = CliRun.of(env(), "demo", "--help");

        assertEquals(0, run.exitCode(), run.toString());
        for (String option : List.of("--jobs", "--dataset-mib", "--keep", "--timeout", "--dataset", "--shards",
                "--change-percent", "--timing-json")) {
            assertTrue(run.out().contains(option), option + " in " + run.out());
        }
    }

    @Test
    void readsAJobsHistoryIntoWhereAndHowOftenItRan() throws Exception {
        JsonNode job = Output.JSON.readTree("""
                {"id": "j1", "name": "train-x-01", "state": "SUCCEEDED", "site": "cloud", "history": [
                  {"type": "io.spillway.JobSubmitted.v1", "time": "2026-11-29T10:00:00Z", "data": {}},
                  {"type": "io.spillway.JobPending.v1", "time": "2026-11-29T10:00:01Z", "data": {"site": "onprem"}},
                  {"type": "io.spillway.JobRerouted.v1", "time": "2026-11-29T10:00:05.250Z",
                   "data": {"fromSite": "onprem", "toSite": "cloud", "burstId": "b-1"}},
                  {"type": "io.spillway.JobStarted.v1", "time": "2026-11-29T10:00:07+00:00", "data": {"site": "cloud"}},
                  {"type": "io.spillway.JobCompleted.v1", "time": "2026-11-29T10:00:17Z", "data": {"site": "cloud"}}
                ]}""");

        DemoJob read = DemoJob.from(job);

        assertEquals("b-1", read.burstId());
        assertEquals(1, read.reroutes());
        assertEquals(List.of("cloud"), read.sites());
        assertEquals(DemoTimelineTest.at(5.25), read.reroutedAt());
        assertEquals(DemoTimelineTest.at(7), read.startedAt());
        assertEquals(DemoTimelineTest.at(17), read.endedAt());
    }

    @Test
    void aRerouteItsHomeSiteDeclinedDoesNotCountAsAMove() throws Exception {
        JsonNode job = Output.JSON.readTree("""
                {"id": "j2", "name": "train-x-02", "state": "SUCCEEDED", "site": "onprem", "history": [
                  {"type": "io.spillway.JobSubmitted.v1", "time": "2026-11-29T10:00:00Z", "data": {}},
                  {"type": "io.spillway.GpuAllocated.v1", "time": "2026-11-29T10:00:04Z", "data": {"site": "onprem"}},
                  {"type": "io.spillway.JobRerouted.v1", "time": "2026-11-29T10:00:05Z",
                   "data": {"fromSite": "onprem", "toSite": "cloud", "burstId": "b-1"}},
                  {"type": "io.spillway.JobStarted.v1", "time": "2026-11-29T10:00:06Z", "data": {"site": "onprem"}},
                  {"type": "io.spillway.JobRerouteDeclined.v1", "time": "2026-11-29T10:00:06.5Z",
                   "data": {"fromSite": "onprem", "toSite": "cloud", "burstId": "b-1",
                            "reason": "already given GPUs at onprem, about to start"}},
                  {"type": "io.spillway.JobCompleted.v1", "time": "2026-11-29T10:00:17Z", "data": {"site": "onprem"}}
                ]}""");

        DemoJob read = DemoJob.from(job);

        assertEquals(0, read.reroutes());
        assertEquals(false, read.rerouted());
        assertEquals(null, read.burstId());
        assertEquals(null, read.reroutedAt());
        assertEquals(List.of("onprem"), read.sites());
    }

    @Test
    void aHandedOverRerouteCountsOnceAndADeclinedOneOfAnotherBurstDoesNot() throws Exception {
        JsonNode job = Output.JSON.readTree("""
                {"id": "j3", "name": "train-x-03", "state": "SUCCEEDED", "site": "cloud", "history": [
                  {"type": "io.spillway.JobRerouted.v1", "time": "2026-11-29T10:00:05Z",
                   "data": {"fromSite": "onprem", "toSite": "cloud", "burstId": "b-1"}},
                  {"type": "io.spillway.JobHandedOver.v1", "time": "2026-11-29T10:00:05.1Z",
                   "data": {"fromSite": "onprem", "toSite": "cloud", "burstId": "b-1"}},
                  {"type": "io.spillway.JobRerouted.v1", "time": "2026-11-29T10:00:06Z",
                   "data": {"fromSite": "onprem", "toSite": "cloud-b", "burstId": "b-2"}},
                  {"type": "io.spillway.JobRerouteDeclined.v1", "time": "2026-11-29T10:00:06.1Z",
                   "data": {"fromSite": "onprem", "toSite": "cloud-b", "burstId": "b-2",
                            "reason": "already handed over to cloud"}},
                  {"type": "io.spillway.JobStarted.v1", "time": "2026-11-29T10:00:07Z", "data": {"site": "cloud"}},
                  {"type": "io.spillway.JobCompleted.v1", "time": "2026-11-29T10:00:17Z", "data": {"site": "cloud"}}
                ]}""");

        DemoJob read = DemoJob.from(job);

        assertEquals(1, read.reroutes());
        assertEquals("b-1", read.burstId());
        assertEquals(DemoTimelineTest.at(5), read.reroutedAt());
    }

    @Test
    void findsAResultHomeOnlyInTheJobsOwnPlaceAndOnlyIfItNamesTheJob() throws Exception {
        DemoJob atCloud = DemoTimelineTest.job("job-1", "cloud", "b-1", 0, 1.0, 2.0);
        DemoJob atHome = DemoTimelineTest.job("job-2", "onprem", null, 0, 1.0, 2.0);
        Path burstDir = Files.createDirectories(home.resolve(".spillway-bursts/b-1/job-1/train-job-1"));
        Files.writeString(burstDir.resolve(BurstDemo.RESULT_FILE), "job=job-1 site=cloud");
        Path homeDir = Files.createDirectories(home.resolve("train-job-2"));
        Files.writeString(homeDir.resolve(BurstDemo.RESULT_FILE), "job=someone-else");

        assertEquals(burstDir.resolve(BurstDemo.RESULT_FILE), BurstDemo.resultOf(home, atCloud).orElseThrow());
        assertTrue(BurstDemo.resultOf(home, atHome).isEmpty(), "a result file of another job is not this one's");
    }

    /**
     * The reroute crossed the job's start at home: the coordinator asked for it while onprem had just given it a GPU.
     * Its history holds a JobRerouted, but it ran and wrote its result at home, and onprem's answer (a
     * JobRerouteDeclined) may reach job-intake only after the demo reads the history. The result is looked for where
     * the job ran, not in a burst directory it never had.
     */
    @Test
    void looksForTheResultWhereTheJobRanEvenWhenAStillUnansweredRerouteIsInItsHistory() throws Exception {
        DemoJob crossed = DemoJob.from(Output.JSON.readTree("""
                {"id": "j4", "name": "train-x-04", "state": "SUCCEEDED", "site": "onprem", "history": [
                  {"type": "io.spillway.JobSubmitted.v1", "time": "2026-11-29T10:00:00Z", "data": {}},
                  {"type": "io.spillway.GpuAllocated.v1", "time": "2026-11-29T10:00:04Z", "data": {"site": "onprem"}},
                  {"type": "io.spillway.JobRerouted.v1", "time": "2026-11-29T10:00:05Z",
                   "data": {"fromSite": "onprem", "toSite": "cloud", "burstId": "b-1"}},
                  {"type": "io.spillway.JobStarted.v1", "time": "2026-11-29T10:00:06Z", "data": {"site": "onprem"}},
                  {"type": "io.spillway.JobCompleted.v1", "time": "2026-11-29T10:00:17Z", "data": {"site": "onprem"}}
                ]}"""));
        Path homeDir = Files.createDirectories(home.resolve("train-x-04"));
        Files.writeString(homeDir.resolve(BurstDemo.RESULT_FILE), "job=j4 site=onprem dataset-cksum=1 2");

        assertEquals(homeDir.resolve(BurstDemo.RESULT_FILE), BurstDemo.resultOf(home, crossed).orElseThrow());
        BurstFacts released = new BurstFacts("b-1", "RELEASED", "onprem", "cloud", DemoTimelineTest.at(1),
                DemoTimelineTest.at(30), 1, 0, 1, List.of(), List.of(), null);
        DemoJob atCloud = DemoTimelineTest.job("c1", "cloud", "b-1", 0, 9.0, 12.0);
        assertEquals(List.of(), DemoVerdict.problems(List.of(crossed, atCloud), released,
                job -> BurstDemo.resultOf(home, job).isPresent() || job == atCloud));
    }

    @Test
    void namesTheBurstDirectoryOfAJobThatRanAtTheBurstSiteAndTheOwnOneOfAJobThatRanAtHome() {
        assertEquals(".spillway-bursts/b-1/c1",
                DemoTimelineTest.job("c1", "cloud", "b-1", 0, 9.0, 12.0).resultDirectory("onprem"));
        assertEquals("train-h1", DemoTimelineTest.job("h1", "onprem", null, 0, 1.0, 2.0).resultDirectory("onprem"));
        DemoJob crossed = new DemoJob("x1", "train-x1", "SUCCEEDED", "onprem", "b-1", 1, List.of("onprem"),
                DemoTimelineTest.at(0), DemoTimelineTest.at(5), DemoTimelineTest.at(6), DemoTimelineTest.at(9), null);
        assertEquals("train-x1", crossed.resultDirectory("onprem"));
    }

    @Test
    void generatesTheDatasetOnceAndKeepsShardsOfTheRightSize() throws Exception {
        Path data = home.resolve("datasets");

        assertEquals(9L * 1024 * 1024, BurstDemo.generateDataset(data, 9));
        long modified = Files.getLastModifiedTime(data.resolve("shard-0000.bin")).toMillis();
        assertEquals(8L * 1024 * 1024, Files.size(data.resolve("shard-0000.bin")));
        assertEquals(1024L * 1024, Files.size(data.resolve("shard-0001.bin")));
        BurstDemo.generateDataset(data, 9);
        assertEquals(modified, Files.getLastModifiedTime(data.resolve("shard-0000.bin")).toMillis());
    }

    @Test
    void generatesOneDirectoryPerShardSharingTheSizeAndMountsEachJobOnItsShard() throws Exception {
        Path data = home.resolve("datasets-100");

        assertEquals(10L * 1024 * 1024, BurstDemo.generateShardedDataset(data, 10, 3));

        assertEquals(List.of(3495253L, 3495253L, 3495254L), List.of(size(data.resolve("shard-00")),
                size(data.resolve("shard-01")), size(data.resolve("shard-02"))));
        assertTrue(Files.notExists(data.resolve("shard-03")));
        assertEquals("datasets-100/shard-00:/data:ro", BurstDemo.datasetVolume("datasets-100", 3, 0));
        assertEquals("datasets-100/shard-01:/data:ro", BurstDemo.datasetVolume("datasets-100", 3, 4));
        assertEquals("datasets:/data:ro", BurstDemo.datasetVolume("datasets", 0, 4));
    }

    @Test
    void changesTheAskedShareOfTheBytesInPlaceSpreadOverEveryFile() throws Exception {
        Path data = home.resolve("datasets");
        BurstDemo.generateShardedDataset(data, 20, 2);
        Path first = data.resolve("shard-00/shard-0000.bin");
        Path last = data.resolve("shard-01/shard-0001.bin");
        byte[] firstBefore = Files.readAllBytes(first);
        byte[] lastBefore = Files.readAllBytes(last);
        Files.setLastModifiedTime(first, java.nio.file.attribute.FileTime.fromMillis(0));

        long changed = BurstDemo.changeDataset(data, 1);

        assertEquals(Math.round(20 * 1024 * 1024 / 100.0), changed, 4.0, "1% of 20 MiB");
        byte[] firstAfter = Files.readAllBytes(first);
        assertEquals(firstBefore.length, firstAfter.length, "rewritten in place, not grown");
        assertTrue(differingBytes(firstBefore, firstAfter) > 0.9 * 0.01 * firstBefore.length,
                "about 1% of the file is new");
        assertTrue(differingBytes(firstBefore, firstAfter) <= 0.01 * firstBefore.length + 1, "and no more");
        assertTrue(differingBytes(lastBefore, Files.readAllBytes(last)) > 0, "every file gets its share");
        assertTrue(Files.getLastModifiedTime(first).toMillis() > 0, "a new modification time");
    }

    private static long size(Path directory) throws Exception {
        try (var files = Files.list(directory)) {
            return files.mapToLong(file -> file.toFile().length()).sum();
        }
    }

    private static long differingBytes(byte[] before, byte[] after) {
        long differing = 0;
        for (int i = 0; i < before.length; i++) {
            differing += before[i] != after[i] ? 1 : 0;
        }
        return differing;
    }

    private Map<String, String> env() {
        return Map.of("SPILLWAY_HOME", home.toString());
    }
}
