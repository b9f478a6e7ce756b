package io.spillway.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ObjectNode;

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
    void readsAJobsHistoryIntoWhereAndHowOftenItRan() {
        DemoJob read = succeeded("j1", "train-x-01", "cloud",
                event("JobSubmitted", "10:00:00Z", noData()),
                event("JobPending", "10:00:01Z", site("onprem")),
                event("JobRerouted", "10:00:05.250Z", move("onprem", "cloud", "b-1")),
                event("JobStarted", "10:00:07+00:00", site("cloud")),
                event("JobCompleted", "10:00:17Z", site("cloud")));

        assertEquals("b-1", read.burstId());
        assertEquals(1, read.reroutes());
        assertEquals(List.of("cloud"), read.sites());
        assertEquals(DemoTimelineTest.at(5.25), read.reroutedAt());
        assertEquals(DemoTimelineTest.at(7), read.startedAt());
        assertEquals(DemoTimelineTest.at(17), read.endedAt());
    }

    @Test
    void aRerouteItsHomeSiteDeclinedDoesNotCountAsAMove() {
        DemoJob read = succeeded("j2", "train-x-02", "onprem",
                event("JobSubmitted", "10:00:00Z", noData()),
                event("GpuAllocated", "10:00:04Z", site("onprem")),
                event("JobRerouted", "10:00:05Z", move("onprem", "cloud", "b-1")),
                event("JobStarted", "10:00:06Z", site("onprem")),
                event("JobRerouteDeclined", "10:00:06.5Z", move("onprem", "cloud", "b-1")
                        .put("reason", "already given GPUs at onprem, about to start")),
                event("JobCompleted", "10:00:17Z", site("onprem")));

        assertEquals(0, read.reroutes());
        assertEquals(false, read.rerouted());
        assertEquals(null, read.burstId());
        assertEquals(null, read.reroutedAt());
        assertEquals(List.of("onprem"), read.sites());
    }

    @Test
    void aHandedOverRerouteCountsOnceAndADeclinedOneOfAnotherBurstDoesNot() {
        DemoJob read = succeeded("j3", "train-x-03", "cloud",
                event("JobRerouted", "10:00:05Z", move("onprem", "cloud", "b-1")),
                event("JobHandedOver", "10:00:05.1Z", move("onprem", "cloud", "b-1")),
                event("JobRerouted", "10:00:06Z", move("onprem", "cloud-b", "b-2")),
                event("JobRerouteDeclined", "10:00:06.1Z", move("onprem", "cloud-b", "b-2")
                        .put("reason", "already handed over to cloud")),
                event("JobStarted", "10:00:07Z", site("cloud")),
                event("JobCompleted", "10:00:17Z", site("cloud")));

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
        DemoJob crossed = succeeded("j4", "train-x-04", "onprem",
                event("JobSubmitted", "10:00:00Z", noData()),
                event("GpuAllocated", "10:00:04Z", site("onprem")),
                event("JobRerouted", "10:00:05Z", move("onprem", "cloud", "b-1")),
                event("JobStarted", "10:00:06Z", site("onprem")),
                event("JobCompleted", "10:00:17Z", site("onprem")));
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

    /** A SUCCEEDED job as job-intake answers for it, with these history events, oldest first. */
    private static DemoJob succeeded(String id, String name, String site, ObjectNode... history) {
        ObjectNode job = Output.JSON.createObjectNode().put("id", id).put("name", name).put("state", "SUCCEEDED")
                .put("site", site);
        job.putArray("history").addAll(List.of(history));
        return DemoJob.from(job);
    }

    /** An {@code io.spillway.TYPE.v1} event at {@code time} on 2026-11-29. */
    private static ObjectNode event(String type, String time, ObjectNode data) {
        ObjectNode event = Output.JSON.createObjectNode().put("type", "io.spillway." + type + ".v1")
                .put("time", "2026-11-29T" + time);
        event.set("data", data);
        return event;
    }

    private static ObjectNode noData() {
        return Output.JSON.createObjectNode();
    }

    private static ObjectNode site(String site) {
        return Output.JSON.createObjectNode().put("site", site);
    }

    /** The data of a reroute and what follows from it: handed over, declined. */
    private static ObjectNode move(String fromSite, String toSite, String burstId) {
        return Output.JSON.createObjectNode().put("fromSite", fromSite).put("toSite", toSite).put("burstId", burstId);
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
