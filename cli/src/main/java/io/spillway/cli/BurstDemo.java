package io.spillway.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The reference burst scenario on a running stack: a generated dataset at the home site, burstable train jobs that
 * read it and write a result, and a wait until every job has ended, its burst is over and the results are home. Used
 * by {@code spillway demo} and by the end-to-end test.
 */
public final class BurstDemo {

    public static final String DATASETS = "datasets";
    public static final String RESULTS = "results";
    public static final String RESULT_FILE = "result.txt";
    static final String HOME_SITE = "onprem";
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final long MAX_SHARD = 8L * 1024 * 1024;

    /**
     * What to run and against what.
     *
     * @param intakeUrl job-intake, which takes the jobs
     * @param storageUrl the home site's storage-agent, which creates the filesystems
     * @param burstUrl the burst-coordinator, whose API tells the burst's phases
     * @param token the user's token, for job-intake
     * @param serviceToken the service credential, for the storage-agent's and the burst-coordinator's internal APIs
     * @param jobSeconds how long each job trains after reading the dataset
     * @param dataset the filesystem the dataset is written into
     * @param shards 0: one flat dataset every job mounts whole; K: K shard directories, each job mounting one
     * @param changePercent the share of the dataset's bytes rewritten before the jobs are submitted, so that the next
     *        snapshot is incremental
     */
    public record Settings(String intakeUrl, String storageUrl, String burstUrl, String token, String serviceToken,
            String project, int jobs, int datasetMib, int jobSeconds, Duration timeout, String dataset, int shards,
            double changePercent) {

        /** The reference scenario: one flat dataset in {@value BurstDemo#DATASETS}, written once. */
        public Settings(String intakeUrl, String storageUrl, String burstUrl, String token, String serviceToken,
                String project, int jobs, int datasetMib, int jobSeconds, Duration timeout) {
            this(intakeUrl, storageUrl, burstUrl, token, serviceToken, project, jobs, datasetMib, jobSeconds, timeout, DATASETS,
                    0,
                    0);
        }
    }

    /**
     * How it ended: the jobs, their burst, the timeline and what is missing (empty: every promise held).
     *
     * @param reroutedJobIds the jobs that ran at the burst site
     */
    public record Outcome(List<String> jobIds, List<String> reroutedJobIds, String burstId, String burstPhase,
            List<String> timeline, List<String> problems, Optional<BurstTiming> timing) {

        public boolean succeeded() {
            return problems.isEmpty();
        }
    }

    private final Settings settings;
    private final ApiClient intake;
    private final ApiClient storage;
    private final ApiClient coordinator;
    private final PrintWriter progress;

    public BurstDemo(Settings settings, PrintWriter progress) {
        this.settings = settings;
        this.intake = client(settings.intakeUrl(), settings.token());
        this.storage = client(settings.storageUrl(), settings.serviceToken());
        this.coordinator = client(settings.burstUrl(), settings.serviceToken());
        this.progress = progress;
    }

    public Outcome run() throws InterruptedException {
        Instant deadline = Instant.now().plus(settings.timeout());
        Path datasets = filesystem(settings.dataset());
        Path results = filesystem(RESULTS);
        long bytes = settings.shards() == 0 ? generateDataset(datasets, settings.datasetMib())
                : generateShardedDataset(datasets, settings.datasetMib(), settings.shards());
        say("dataset: " + Snapshots.bytes(bytes) + " in " + datasets
                + (settings.shards() == 0 ? "" : " (" + settings.shards() + " shards, one per job)"));
        if (settings.changePercent() > 0) {
            long changed = changeDataset(datasets, settings.changePercent());
            say("changed " + Snapshots.bytes(changed) + " (" + settings.changePercent() + "%) of the dataset in place");
        }

        String run = UUID.randomUUID().toString().substring(0, 6);
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= settings.jobs(); i++) {
            ids.add(intake.post("/api/v1/jobs", job(String.format("train-%s-%02d", run, i), i - 1)).path("id")
                    .asText());
        }
        say("submitted " + ids.size() + " train jobs (1 GPU each) at " + HOME_SITE + "; waiting for them to end");

        List<DemoJob> jobs = awaitJobsEnded(ids, deadline);
        // Results come home as their burst ends: every burst that moved a job must be over before they are looked for.
        List<BurstFacts> bursts = awaitBurstsOver(jobs, deadline);
        BurstFacts burst = bursts.isEmpty() ? null : bursts.get(0);
        List<String> problems = new ArrayList<>(DemoVerdict.problems(jobs, burst,
                job -> resultOf(results, job).isPresent()));
        bursts.stream().skip(1).filter(other -> !other.released()).forEach(other -> problems.add("burst "
                + other.burstId() + " is " + other.phase() + ", not RELEASED"));
        List<String> timeline = DemoTimeline.render(DemoTimeline.steps(jobs, burst, HOME_SITE));
        return new Outcome(ids, jobs.stream().filter(job -> job.ranAwayFrom(HOME_SITE)).map(DemoJob::id).toList(),
                burst == null ? null : burst.burstId(), burst == null ? null : burst.phase(), timeline, problems,
                BurstTiming.of(jobs, burst));
    }

    /** Where a job's result file is: in its burst's directory when it ran at the burst site, else its own. */
    static Optional<Path> resultOf(Path results, DemoJob job) {
        Path where = results.resolve(job.resultDirectory(HOME_SITE));
        if (!Files.isDirectory(where)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(where)) {
            return files.filter(file -> file.getFileName().toString().equals(RESULT_FILE))
                    .filter(file -> contains(file, job.id())).findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean contains(Path file, String text) {
        try {
            return Files.readString(file).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A burstable train job that checksums the dataset (its shard when sharded: the {@code index}th, round robin),
     * trains a while, and writes its result.
     */
    private Map<String, Object> job(String name, int index) {
        String script = "set -e; sum=$(cat data/* | cksum); sleep " + settings.jobSeconds() + "; "
                + "echo \"job=$SPILLWAY_JOB_ID site=$SPILLWAY_SITE dataset-cksum=$sum\" > results/" + RESULT_FILE;
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("name", name);
        job.put("project", settings.project());
        job.put("gpu", 1);
        job.put("priority", "train");
        job.put("burstable", true);
        job.put("command", List.of("sh", "-c", script));
        job.put("volumes", List.of(datasetVolume(settings.dataset(), settings.shards(), index),
                RESULTS + "/" + name + ":/results"));
        return job;
    }

    private List<DemoJob> awaitJobsEnded(List<String> ids, Instant deadline) throws InterruptedException {
        String last = "";
        while (true) {
            List<DemoJob> jobs = ids.stream().map(id -> DemoJob.from(intake.get(Jobs.path(id)))).toList();
            String summary = summary(jobs);
            if (!summary.equals(last)) {
                say(summary);
                last = summary;
            }
            if (jobs.stream().allMatch(DemoJob::ended) || Instant.now().isAfter(deadline)) {
                return jobs;
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /**
     * Every burst that moved a job, in the order the jobs name them, once each is over (its results are home by then),
     * or as it is at the deadline.
     */
    private List<BurstFacts> awaitBurstsOver(List<DemoJob> jobs, Instant deadline) throws InterruptedException {
        List<BurstFacts> bursts = new ArrayList<>();
        for (String burstId : jobs.stream().map(DemoJob::burstId).filter(id -> id != null).distinct().toList()) {
            bursts.add(awaitBurstOver(burstId, deadline));
        }
        return bursts;
    }

    private BurstFacts awaitBurstOver(String burstId, Instant deadline) throws InterruptedException {
        String lastPhase = "";
        while (true) {
            BurstFacts burst = BurstFacts.from(coordinator.get("/api/v1/bursts/" + ApiClient.encode(burstId)));
            if (!String.valueOf(burst.phase()).equals(lastPhase)) {
                say("burst " + Jobs.shortId(burst.burstId()) + ": " + burst.phase());
                lastPhase = String.valueOf(burst.phase());
            }
            if (burst.over() || Instant.now().isAfter(deadline)) {
                return burst;
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    static String summary(List<DemoJob> jobs) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (DemoJob job : jobs) {
            String where = job.site() == null || Jobs.isFinal(job.state()) && !"SUCCEEDED".equals(job.state())
                    ? job.state()
                    : job.state() + " at " + job.site();
            counts.merge(where, 1, Integer::sum);
        }
        List<String> parts = new ArrayList<>();
        counts.forEach((state, count) -> parts.add(count + " " + state));
        return "jobs: " + String.join(", ", parts);
    }

    /** The filesystem's directory at the home site, created when it does not exist yet. */
    private Path filesystem(String name) {
        try {
            return Path.of(storage.post("/api/v1/filesystems", Map.of("name", name)).path("path").asText());
        } catch (ApiException e) {
            if (e.status() != 409) {
                throw e;
            }
            return Path.of(storage.get("/api/v1/filesystems/" + name).path("path").asText());
        }
    }

    /**
     * Random (incompressible, unique) shards of at most 8 MiB adding up to {@code mib}; shards of the right size from
     * an earlier run are kept, so a second demo uploads only what changed.
     */
    static long generateDataset(Path directory, int mib) {
        long total = mib * 1024L * 1024L;
        writeRandomFiles(directory, total);
        writeReadme(directory, mib + " MiB");
        return total;
    }

    private static void writeRandomFiles(Path directory, long bytes) {
        long remaining = bytes;
        SplittableRandom random = new SplittableRandom();
        byte[] buffer = new byte[1024 * 1024];
        try {
            Files.createDirectories(directory);
            for (int shard = 0; remaining > 0; shard++) {
                long size = Math.min(MAX_SHARD, remaining);
                remaining -= size;
                Path file = directory.resolve(String.format("shard-%04d.bin", shard));
                if (Files.isRegularFile(file) && Files.size(file) == size) {
                    continue;
                }
                try (OutputStream out = Files.newOutputStream(file)) {
                    for (long written = 0; written < size; written += buffer.length) {
                        random.nextBytes(buffer);
                        out.write(buffer, 0, (int) Math.min(buffer.length, size - written));
                    }
                }
            }
        } catch (IOException e) {
            throw cannotWrite(directory, e);
        }
    }

    private static void writeReadme(Path directory, String what) {
        try {
            Files.writeString(directory.resolve("README"), "generated by spillway demo: " + what + "\n",
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw cannotWrite(directory, e);
        }
    }

    private static CliException cannotWrite(Path directory, IOException e) {
        return new CliException(ExitCodes.JOB_UNSUCCESSFUL, "cannot write the dataset into " + directory + ": "
                + e.getMessage() + " (the demo writes the stack's filesystems directly: run it on the machine "
                + "that runs `spillway up`)", List.of(), e);
    }

    /** The read-only mount of the {@code index}th job: the whole dataset, or its shard. */
    static String datasetVolume(String dataset, int shards, int index) {
        return shards == 0 ? dataset + ":/data:ro" : dataset + "/" + shardName(index % shards) + ":/data:ro";
    }

    static String shardName(int shard) {
        return String.format("shard-%02d", shard);
    }

    /**
     * {@code shards} directories {@code shard-00..} of random files sharing {@code mib} between them (the last takes
     * the remainder), kept from an earlier run where their sizes match.
     */
    static long generateShardedDataset(Path directory, int mib, int shards) {
        long total = mib * 1024L * 1024L;
        long perShard = total / shards;
        for (int shard = 0; shard < shards; shard++) {
            long size = shard == shards - 1 ? total - perShard * (shards - 1) : perShard;
            writeRandomFiles(directory.resolve(shardName(shard)), size);
        }
        writeReadme(directory, mib + " MiB in " + shards + " shards");
        return total;
    }

    /**
     * Rewrites {@code percent} of the dataset's bytes in place, spread over its files (every file gets its share at
     * its start), with new random content and a new modification time: what a researcher's small update looks like to
     * the next snapshot. Returns the bytes rewritten.
     */
    static long changeDataset(Path directory, double percent) {
        try (Stream<Path> walk = Files.walk(directory)) {
            List<Path> files = walk.filter(Files::isRegularFile)
                    .filter(file -> file.getFileName().toString().endsWith(".bin")).sorted().toList();
            SplittableRandom random = new SplittableRandom();
            long changed = 0;
            for (Path file : files) {
                long share = Math.max(1, Math.round(Files.size(file) * percent / 100.0));
                byte[] bytes = new byte[(int) Math.min(share, Files.size(file))];
                random.nextBytes(bytes);
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    channel.write(ByteBuffer.wrap(bytes), 0);
                }
                Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
                changed += bytes.length;
            }
            return changed;
        } catch (IOException e) {
            throw cannotWrite(directory, e);
        }
    }

    private void say(String line) {
        progress.println(line);
        progress.flush();
    }

    private static ApiClient client(String url, String token) {
        String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        return new ApiClient(new CliConfig(base, token, "the demo's token", Path.of("credentials")));
    }
}
