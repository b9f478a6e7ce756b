package io.spillway.system;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.spillway.cli.Credentials;
import io.spillway.cli.SpillwayCli;
import picocli.CommandLine;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code spillway} CLI against the running stack: every command a researcher uses, through job-intake's API, with
 * the credentials {@code spillway up} would write. The CLI runs in this JVM, as {@code bin/spillway} runs it.
 */
class CliIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SUBMITTED = Pattern.compile("job (\\S+) submitted");
    private static final Pattern SNAPSHOT_REQUESTED = Pattern.compile("snapshot (\\S+) requested");

    private static SystemStack stack;
    private static Path credentialsFile;

    @BeforeAll
    static void startTheStackAndWriteItsCredentials() throws Exception {
        stack = SystemStack.shared();
        credentialsFile = stack.state().resolve(".spillway/credentials");
        stack.credentials().write(credentialsFile);
    }

    @Test
    void whoamiNamesTheProjectTokenFromTheCredentialsFile() {
        Run run = cli("whoami");

        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("project token") && run.out().contains("for project default"), run.toString());
        assertTrue(run.out().contains(credentialsFile.toString()), "says where the token came from: " + run);
    }

    @Test
    void submitWaitRunsAJobToSuccessThenLogsDescribeAndListShowIt() throws Exception {
        Run submitted = cli("submit", "--wait", "-n", "cli-hello", "-g", "0.5", "--", "sh", "-c", "echo hello; exit 0");
        assertEquals(0, submitted.exitCode(), submitted.toString());
        String id = submittedId(submitted);
        assertTrue(submitted.out().contains("SUCCEEDED"), submitted.toString());

        Run logs = cli("logs", id);
        assertEquals(0, logs.exitCode(), logs.toString());
        assertTrue(logs.out().contains("hello"), logs.toString());

        Run described = cli("describe", id.substring(0, 8));
        assertEquals(0, described.exitCode(), described.toString());
        assertTrue(described.out().contains("State:     SUCCEEDED"), described.toString());
        for (String event : List.of("JobSubmitted", "GpuAllocated", "JobStarted", "JobCompleted")) {
            assertTrue(described.out().contains(event), event + " in the history: " + described);
        }
        assertTrue(described.out().contains("exit code 0"), described.toString());

        Run listed = cli("list", "-o", "json");
        assertEquals(0, listed.exitCode(), listed.toString());
        JsonNode page = JSON.readTree(listed.out());
        assertTrue(page.path("items").findValuesAsText("id").contains(id), listed.toString());
        assertTrue(cli("list").out().contains(id.substring(0, 8)), "the table shows the short id");
    }

    @Test
    void aJobThatFailsMakesSubmitWaitExit1() {
        Run run = cli("submit", "--wait", "-g", "0.5", "--", "sh", "-c", "exit 3");

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAILED"), run.toString());
    }

    @Test
    void aBadVolumeIsRefusedWithExit3NamingTheField() {
        Run run = cli("submit", "-v", "no-mount-path", "--", "true");

        assertEquals(3, run.exitCode(), run.toString());
        assertTrue(run.err().contains("volumes[0]"), run.toString());
        assertFalse(run.err().contains("Exception"), "no stack trace: " + run);
    }

    @Test
    void deleteCancelsARunningJob() {
        Run submitted = cli("submit", "-n", "cli-sleep", "-g", "0.5", "--", "sleep", "60");
        assertEquals(0, submitted.exitCode(), submitted.toString());
        String id = submittedId(submitted);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> "RUNNING".equals(state(id)));

        Run deleted = cli("delete", id);

        assertEquals(0, deleted.exitCode(), deleted.toString());
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> "CANCELLED".equals(state(id)));
        Run again = cli("cancel", id);
        assertEquals(3, again.exitCode(), "a job that ended is left as it is: " + again);
        assertTrue(again.err().contains("already ended"), again.toString());
    }

    @Test
    void anotherProjectsTokenCannotSeeTheFirstProjectsJob() throws Exception {
        Run submitted = cli("submit", "-g", "0.5", "--", "true");
        assertEquals(0, submitted.exitCode(), submitted.toString());
        String id = submittedId(submitted);
        String other = "cli-" + UUID.randomUUID().toString().substring(0, 8);
        Run project = cli("projects", "create", other, "--deserved-gpus", "1");
        assertEquals(0, project.exitCode(), project.toString());
        Run token = cli("tokens", "create", "ci", "--project", other, "-o", "json");
        assertEquals(0, token.exitCode(), token.toString());
        String otherToken = JSON.readTree(token.out()).path("token").asText();
        assertTrue(otherToken.startsWith("spw_"), token.toString());

        Run whoami = cli("whoami", "--token", otherToken);
        assertTrue(whoami.out().contains("for project " + other), whoami.toString());
        for (String command : List.of("describe", "logs", "delete")) {
            Run run = cli(command, id, "--token", otherToken);
            assertEquals(4, run.exitCode(), command + ": " + run);
        }
        assertEquals(0, cli("describe", id).exitCode(), "the job is still there for its own project");
    }

    @Test
    void aTokenRevokedThroughOneJobIntakeReplicaStopsWorkingOnTheOtherWithinFiveSeconds() throws Exception {
        String secondReplica = stack.startReplica("job-intake");
        Run created = cli("tokens", "create", "revoked-soon", "--project", Credentials.DEFAULT_PROJECT, "-o", "json");
        assertEquals(0, created.exitCode(), created.toString());
        JsonNode token = JSON.readTree(created.out());
        String secret = token.path("token").asText();
        assertEquals(200, whoamiStatus(stack.url("job-intake"), secret));
        assertEquals(200, whoamiStatus(secondReplica, secret), "the second replica knows the token");

        Run revoked = cli("tokens", "revoke", token.path("id").asText());
        assertEquals(0, revoked.exitCode(), revoked.toString());
        long revokedAt = System.nanoTime();

        assertEquals(401, whoamiStatus(stack.url("job-intake"), secret), "refused at once where it was revoked");
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> whoamiStatus(secondReplica, secret) == 401);
        Duration took = Duration.ofNanos(System.nanoTime() - revokedAt);
        assertTrue(took.compareTo(Duration.ofSeconds(5)) <= 0, "refused by the other replica after " + took);
        assertEquals(0, cli("whoami").exitCode(), "the stack's own token still works");
        Run audit = cli("audit", "--action", "token.revoke", "--since", "5m");
        assertEquals(0, audit.exitCode(), audit.toString());
        assertTrue(audit.out().contains(token.path("id").asText()), "the revocation is in the audit log: " + audit);
    }

    @Test
    void theServicesInternalApisAnswerOnlyTheServiceCredential() throws Exception {
        String service = stack.credentials().serviceToken();
        String admin = stack.credentials().adminToken();
        Map<String, String> internalReads = Map.of(
                "gpu-scheduler-onprem", "/api/v1/scheduler/state",
                "gpu-scheduler-cloud", "/api/v1/scheduler/projects",
                "storage-agent-onprem", "/api/v1/filesystems",
                "burst-coordinator", "/api/v1/bursts");
        for (Map.Entry<String, String> read : internalReads.entrySet()) {
            String url = stack.url(read.getKey()) + read.getValue();
            assertEquals(401, status("GET", url, null), "no token: " + url);
            assertEquals(401, status("GET", url, "spw_not-a-token"), "an unknown token: " + url);
            assertEquals(401, status("GET", url, admin), "a user's token is not a service credential: " + url);
            assertEquals(200, status("GET", url, service), "the service credential: " + url);
        }
        // The writes the issue found open: deleting a filesystem and starting a garbage collection.
        assertEquals(401, status("DELETE", stack.url("storage-agent-onprem") + "/api/v1/filesystems/datasets", null));
        assertEquals(401, status("POST", stack.url("snapshot-worker-onprem") + "/api/v1/snapshots/gc", null));
        assertEquals(401, status("POST", stack.url("storage-agent-onprem") + "/api/v1/filesystems", null));
        for (String open : List.of("/q/health/ready", "/q/metrics")) {
            int answer = status("GET", stack.url("storage-agent-onprem") + open, null);
            assertTrue(answer != 401 && answer != 403, open + " stays open to probes: " + answer);
        }
        // Through job-intake, the user's view of a job's output still works: job-intake calls the scheduler with
        // the service credential.
        Run submitted = cli("submit", "-g", "0.5", "--", "sh", "-c", "echo through-the-scheduler");
        String id = submittedId(submitted);
        await().atMost(Duration.ofSeconds(60)).until(() -> "SUCCEEDED".equals(state(id)));
        Run logs = cli("logs", id);
        assertTrue(logs.out().contains("through-the-scheduler"), logs.toString());
    }

    @Test
    void aJobNoSiteCouldEverRunIsRefusedNamingTheFieldAndOneAnotherSiteCanRunIsTaken() {
        Run noPool = cli("submit", "--node-pool", "h100-nowhere", "--", "true");
        assertEquals(3, noPool.exitCode(), noPool.toString());
        assertTrue(noPool.err().contains("nodePool") && noPool.err().contains("h100-nowhere"), noPool.toString());
        // onprem's node has 2 GPUs and cloud's have 4 each (LocalStack).
        Run tooBig = cli("submit", "-g", "5", "--", "true");
        assertEquals(3, tooBig.exitCode(), tooBig.toString());
        assertTrue(tooBig.err().contains("gpu") && tooBig.err().contains("largest node has 4"), tooBig.toString());
        Run gang = cli("submit", "-g", "4", "--workers", "3", "--", "true");
        assertEquals(3, gang.exitCode(), gang.toString());
        assertTrue(gang.err().contains("workers"), gang.toString());

        Run cloudSized = cli("submit", "-g", "4", "--site", "onprem", "--", "true");
        assertEquals(0, cloudSized.exitCode(), "cloud has nodes of 4 GPUs: " + cloudSized);
        assertEquals(0, cli("delete", submittedId(cloudSized)).exitCode());
    }

    private static int whoamiStatus(String intakeUrl, String token) throws Exception {
        return status("GET", intakeUrl + "/api/v1/whoami", token);
    }

    private static int status(String method, String url, String token) throws Exception {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                .method(method, java.net.http.HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return java.net.http.HttpClient.newHttpClient().send(request.build(),
                java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void logsFollowStreamsOutputWhileTheJobRunsAndEndsWithIt() {
        Run submitted = cli("submit", "-n", "cli-follow", "-g", "0.5", "--", "sh", "-c",
                "echo first; sleep 3; echo second");
        assertEquals(0, submitted.exitCode(), submitted.toString());
        String id = submittedId(submitted);

        // -f waits for the job to start, streams while it runs, and returns when it ends.
        Run followed = cli("logs", "-f", id);

        assertEquals(0, followed.exitCode(), followed.toString());
        assertTrue(followed.out().contains("first") && followed.out().contains("second"), followed.toString());
        assertTrue(followed.out().indexOf("first") < followed.out().indexOf("second"), followed.toString());
    }

    @Test
    void statusShowsTheOnpremSite() {
        Run run = cli("status");

        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().lines().anyMatch(line -> line.startsWith("onprem ")), run.toString());
    }

    @Test
    void snapshotCreateWaitUploadsAFilesystemAndRestoreWaitBringsItsFilesToTheCloudSite() throws Exception {
        String filesystem = "cli-" + UUID.randomUUID().toString().substring(0, 8);
        Path onprem = Files.createDirectories(stack.state().resolve("sites/onprem/filesystems").resolve(filesystem));
        byte[] weights = new byte[2 * 1024 * 1024];
        new Random(11).nextBytes(weights);
        Files.write(Files.createDirectories(onprem.resolve("models")).resolve("weights.bin"), weights);
        Files.writeString(onprem.resolve("labels.txt"), "cat\ndog\n");
        Files.writeString(onprem.resolve("models/README"), "resnet\n");

        Run created = cli("snapshot", "create", filesystem, "--site", "onprem", "--wait");

        assertEquals(0, created.exitCode(), created.toString());
        Matcher matcher = SNAPSHOT_REQUESTED.matcher(created.out());
        assertTrue(matcher.find(), created.toString());
        String snapshotId = matcher.group(1);
        assertTrue(created.out().contains("snapshot " + snapshotId + " UPLOADED: 3 files"), created.toString());
        assertTrue(created.out().contains("chunks ") && created.out().contains(" reused")
                && created.out().contains("scanned 2.0 MiB"), "the figures of the upload: " + created);
        assertTrue(created.out().contains("locator: snapshots/" + filesystem + "/"), created.toString());
        JsonNode snapshot = JSON.readTree(cli("snapshot", "describe", snapshotId.substring(0, 8), "-o", "json").out());
        assertEquals("UPLOADED", snapshot.path("state").asText(), snapshot.toString());
        assertEquals(weights.length + "cat\ndog\n".length() + "resnet\n".length(), snapshot.path("bytes").asLong());

        Run restored = cli("snapshot", "restore", snapshotId.substring(0, 8), "--site", "cloud", "--priority",
                "models", "--wait");

        assertEquals(0, restored.exitCode(), restored.toString());
        assertTrue(restored.out().contains("RESTORED: 3 files"), restored.toString());
        Path cloud = stack.state().resolve("sites/cloud/filesystems").resolve(filesystem);
        assertArrayEquals(weights, Files.readAllBytes(cloud.resolve("models/weights.bin")));
        assertEquals("cat\ndog\n", Files.readString(cloud.resolve("labels.txt")));
        assertEquals("resnet\n", Files.readString(cloud.resolve("models/README")));

        Run snapshots = cli("snapshot", "list", "--filesystem", filesystem);
        assertEquals(0, snapshots.exitCode(), snapshots.toString());
        assertTrue(snapshots.out().contains(snapshotId.substring(0, 8)) && snapshots.out().contains("UPLOADED"),
                snapshots.toString());
        Run restores = cli("snapshot", "restores", "--filesystem", filesystem, "-o", "json");
        assertEquals(0, restores.exitCode(), restores.toString());
        JsonNode restore = JSON.readTree(restores.out()).path("items").path(0);
        assertEquals("RESTORED", restore.path("state").asText(), restores.toString());
        assertEquals(snapshotId, restore.path("snapshotId").asText(), restores.toString());
        assertEquals("cloud", restore.path("site").asText(), restores.toString());
    }

    @Test
    void snapshotCheckReadsEveryPackOfTheRepositoryAndFindsAHealthyOneWhole() throws Exception {
        String filesystem = "cli-check-" + UUID.randomUUID().toString().substring(0, 8);
        Path onprem = Files.createDirectories(stack.state().resolve("sites/onprem/filesystems").resolve(filesystem));
        byte[] data = new byte[512 * 1024];
        new Random(17).nextBytes(data);
        Files.write(onprem.resolve("data.bin"), data);
        assertEquals(0, cli("snapshot", "create", filesystem, "--wait").exitCode());

        Run check = cli("snapshot", "check", "--read-data", "-o", "json");

        assertEquals(0, check.exitCode(), check.toString());
        JsonNode report = JSON.readTree(check.out());
        assertTrue(report.path("ok").asBoolean(), check.toString());
        assertTrue(report.path("readData").asBoolean(), check.toString());
        assertTrue(report.path("packsChecked").asLong() >= 1 && report.path("bytesRead").asLong() >= data.length,
                "every pack read, this snapshot's too: " + check);
        Run text = cli("snapshot", "check");
        assertEquals(0, text.exitCode(), text.toString());
        assertTrue(text.out().startsWith("no damage: "), text.toString());
        Run nowhere = cli("snapshot", "check", "--site", "mars");
        assertEquals(3, nowhere.exitCode(), nowhere.toString());
        assertTrue(nowhere.err().contains("site"), nowhere.toString());
        assertEquals(5, cli("snapshot", "check", "--token", stack.credentials().token()).exitCode(),
                "a project token may not read the whole repository");
    }

    @Test
    void snapshotOfAFilesystemThatDoesNotExistFailsTheWaitWithTheWorkersReason() {
        Run run = cli("snapshot", "create", "cli-missing-" + UUID.randomUUID().toString().substring(0, 8), "--wait");

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAILED") && run.out().contains("does not exist"), run.toString());
    }

    @Test
    void snapshotDeleteAsksForTheDeletionOfAnUploadedSnapshotAndRefusesOneThatIsNot() throws Exception {
        String filesystem = "cli-" + UUID.randomUUID().toString().substring(0, 8);
        Files.writeString(Files.createDirectories(stack.state().resolve("sites/onprem/filesystems")
                .resolve(filesystem)).resolve("a.txt"), "a\n");
        Run created = cli("snapshot", "create", filesystem, "--wait", "-o", "json");
        assertEquals(0, created.exitCode(), created.toString());
        String snapshotId = JSON.readTree(created.out()).path("id").asText();

        Run deleted = cli("snapshot", "delete", snapshotId);

        assertEquals(0, deleted.exitCode(), deleted.toString());
        assertTrue(deleted.out().contains("snapshot " + snapshotId + " delete requested"), deleted.toString());
        Run unknown = cli("snapshot", "delete", UUID.randomUUID().toString());
        assertEquals(4, unknown.exitCode(), unknown.toString());
        Run byProject = cli("snapshot", "delete", snapshotId, "--token", stack.credentials().token());
        assertEquals(5, byProject.exitCode(), "a project token may not delete snapshots: " + byProject);
    }

    private static String state(String id) throws Exception {
        Run run = cli("describe", id, "-o", "json");
        assertEquals(0, run.exitCode(), run.toString());
        return JSON.readTree(run.out()).path("state").asText();
    }

    private static String submittedId(Run submitted) {
        Matcher matcher = SUBMITTED.matcher(submitted.out());
        assertTrue(matcher.find(), submitted.toString());
        return matcher.group(1);
    }

    /** Runs the CLI with only the credentials file as its settings, never the environment of the build. */
    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new SpillwayCli(Map.of("SPILLWAY_CREDENTIALS", credentialsFile.toString(),
                "SPILLWAY_HOME", stack.state().toString())));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exitCode = cli.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    private record Run(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }
}
