package io.spillway.snapshot.messaging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.spillway.schemas.CloudEvent;
import io.spillway.schemas.SpillwayEvent;
import io.spillway.schemas.StorageEvent.RestoreProgress;
import io.spillway.schemas.StorageEvent.RestoreRequested;
import io.spillway.schemas.StorageEvent.SnapshotProgress;
import io.spillway.schemas.StorageEvent.SnapshotRequested;
import io.spillway.schemas.StorageEvent.SnapshotRestored;
import io.spillway.schemas.StorageEvent.SnapshotUploaded;
import io.spillway.schemas.Topics;
import io.spillway.snapshot.config.SnapshotWorkerConfig;
import io.spillway.testing.PlatformTestResource;
import io.spillway.testing.TestEvents;
import io.spillway.testing.TopicWatchingTest;

import static io.spillway.testing.ServiceCalls.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Progress events while a snapshot and a restore run (tests set the interval to 25 ms), and the meters after. */
@QuarkusTest
@WithTestResource(PlatformTestResource.class)
class ProgressAndMetricsIT extends TopicWatchingTest {

    ProgressAndMetricsIT() {
        super(Topics.SNAPSHOTS);
    }

    private static final int MIB = 1024 * 1024;

    @Inject
    SnapshotWorkerConfig.Snapshot sites;

    @Test
    void reportsProgressOfASnapshotAndARestoreThatNeverGoesDownNorPassesTheTotal() throws IOException {
        String filesystem = "progress-" + UUID.randomUUID().toString().substring(0, 8);
        Path source = sites.sites().get("onprem").root().toAbsolutePath().resolve(filesystem);
        Files.createDirectories(source);
        Random random = new Random();
        for (int i = 0; i < 16; i++) {
            byte[] shard = new byte[4 * MIB];
            random.nextBytes(shard);
            Files.write(source.resolve("shard-" + i + ".bin"), shard);
        }
        String snapshotId = UUID.randomUUID().toString();
        events.send(TestEvents.cloudEvent(new SnapshotRequested(snapshotId, "onprem", filesystem, null, "burst-p")));
        SnapshotUploaded uploaded = await().atMost(TestEvents.TIMEOUT).until(() -> TestEvents.first(answers,
                SnapshotUploaded.class, e -> e.snapshotId().equals(snapshotId)), Optional::isPresent).orElseThrow();

        List<ConsumerRecord<String, CloudEvent>> snapshotProgress = records(SnapshotProgress.class,
                e -> e.snapshotId().equals(snapshotId));
        assertFalse(snapshotProgress.isEmpty(), "64 MiB take more than a few 25 ms intervals to snapshot");
        long uploadedAt = offsetOf(SnapshotUploaded.class, e -> e.snapshotId().equals(snapshotId));
        assertNeverGoesDown(snapshotProgress, SnapshotProgress.class, p -> new long[] { p.filesDone(),
                p.filesTotal(), p.bytesDone(), p.bytesTotal() }, uploadedAt);
        for (ConsumerRecord<String, CloudEvent> record : snapshotProgress) {
            SnapshotProgress progress = (SnapshotProgress) record.value().data();
            assertEquals("burst-p", progress.burstId());
            assertTrue(progress.bytesTotal() <= 64L * MIB, progress.toString());
        }

        String restoreId = "restore-" + UUID.randomUUID();
        events.send(TestEvents.cloudEvent(new RestoreRequested(restoreId, uploaded.locator(), "cloud", filesystem,
                List.of(), "burst-p")));
        SnapshotRestored restored = await().atMost(TestEvents.TIMEOUT).until(() -> TestEvents.first(answers,
                SnapshotRestored.class, e -> e.restoreId().equals(restoreId)), Optional::isPresent).orElseThrow();

        List<ConsumerRecord<String, CloudEvent>> restoreProgress = records(RestoreProgress.class,
                e -> e.restoreId().equals(restoreId));
        assertFalse(restoreProgress.isEmpty(), "64 MiB take more than a few 25 ms intervals to restore");
        long restoredAt = offsetOf(SnapshotRestored.class, e -> e.restoreId().equals(restoreId));
        assertNeverGoesDown(restoreProgress, RestoreProgress.class, p -> new long[] { p.filesDone(), p.filesTotal(),
                p.bytesDone(), p.bytesTotal() }, restoredAt);
        for (ConsumerRecord<String, CloudEvent> record : restoreProgress) {
            RestoreProgress progress = (RestoreProgress) record.value().data();
            assertEquals(restored.files(), progress.filesTotal(), "a restore knows its totals from the start");
            assertEquals(restored.bytes(), progress.bytesTotal());
            assertEquals("cloud", progress.site());
        }
    }

    @Test
    void countsWhatASnapshotAndARestoreDidAtTheMetricsEndpoint() throws IOException {
        String filesystem = "metrics-" + UUID.randomUUID().toString().substring(0, 8);
        Path source = sites.sites().get("onprem").root().toAbsolutePath().resolve(filesystem);
        Files.createDirectories(source);
        byte[] content = new byte[3 * MIB];
        new Random().nextBytes(content);
        Files.write(source.resolve("weights.bin"), content);
        String before = metrics();

        String snapshotId = UUID.randomUUID().toString();
        events.send(TestEvents.cloudEvent(new SnapshotRequested(snapshotId, "onprem", filesystem, null, null)));
        SnapshotUploaded uploaded = await().atMost(TestEvents.TIMEOUT).until(() -> TestEvents.first(answers,
                SnapshotUploaded.class, e -> e.snapshotId().equals(snapshotId)), Optional::isPresent).orElseThrow();
        String restoreId = "restore-" + UUID.randomUUID();
        events.send(TestEvents.cloudEvent(new RestoreRequested(restoreId, uploaded.locator(), "cloud", filesystem,
                List.of(), null)));
        await().atMost(TestEvents.TIMEOUT).until(() -> TestEvents.first(answers, SnapshotRestored.class,
                e -> e.restoreId().equals(restoreId)).isPresent());
        String after = metrics();

        assertTrue(grew(before, after, "spillway_snapshot_bytes_scanned_total", "") >= uploaded.bytesScanned());
        assertTrue(grew(before, after, "spillway_snapshot_bytes_uploaded_total", "") >= uploaded.bytesUploaded());
        assertTrue(grew(before, after, "spillway_snapshot_chunks_new_total", "") >= uploaded.chunksNew());
        assertTrue(uploaded.chunksNew() > 0, "new random content uploads chunks");
        assertTrue(grew(before, after, "spillway_snapshots_total", "outcome=\"uploaded\"") >= 1);
        assertTrue(grew(before, after, "spillway_snapshot_duration_seconds_count", "outcome=\"uploaded\"") >= 1);
        assertTrue(grew(before, after, "spillway_restores_total", "outcome=\"restored\"") >= 1);
        assertTrue(grew(before, after, "spillway_restore_bytes_written_total", "") >= content.length);
        assertTrue(after.contains("spillway_snapshot_chunks_reused_total"), after);
        assertTrue(after.contains("spillway_snapshots_total{outcome=\"failed\""), "failures are counted from zero");
        assertEquals(0.0, value(after, "spillway_snapshots_running", ""), "nothing runs once it is answered");
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private static double grew(String before, String after, String name, String label) {
        return value(after, name, label) - value(before, name, label);
    }

    /**
     * The sample of {@code name} whose labels contain {@code label} (any, for an empty one); an OpenMetrics exemplar
     * after the value ({@code # {trace_id=...}}) is ignored.
     */
    private static double value(String exposition, String name, String label) {
        Matcher sample = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([0-9.eE+-]+)( #.*)?$")
                .matcher(exposition);
        while (sample.find()) {
            if (label.isEmpty() || (sample.group(1) != null && sample.group(1).contains(label))) {
                return Double.parseDouble(sample.group(2));
            }
        }
        throw new AssertionError("no sample " + name + " " + label + " in\n" + exposition);
    }

    /** Counts never go down nor pass their totals, and every progress event precedes the final one. */
    private static <E extends SpillwayEvent> void assertNeverGoesDown(List<ConsumerRecord<String, CloudEvent>> records,
            Class<E> type, Function<E, long[]> counts, long finalOffset) {
        long[] previous = { 0, 0, 0, 0 };
        for (ConsumerRecord<String, CloudEvent> record : records) {
            long[] now = counts.apply(type.cast(record.value().data()));
            String seen = record.value().data().toString();
            for (int i = 0; i < 4; i++) {
                assertTrue(now[i] >= previous[i], "never goes down: " + seen);
            }
            assertTrue(now[0] <= now[1], "files done within the total: " + seen);
            assertTrue(now[2] <= now[3], "bytes done within the total: " + seen);
            assertTrue(record.offset() < finalOffset, "sent while it ran, before the final event: " + seen);
            previous = now;
        }
    }

    /** Records of one kind, in offset order (one filesystem is one key, so one partition). */
    private <E extends SpillwayEvent> List<ConsumerRecord<String, CloudEvent>> records(Class<E> type,
            Predicate<E> filter) {
        return answers.getRecords().stream()
                .filter(r -> r.value() != null && type.isInstance(r.value().data())
                        && filter.test(type.cast(r.value().data())))
                .sorted(Comparator.comparingLong(ConsumerRecord::offset))
                .toList();
    }

    private <E extends SpillwayEvent> long offsetOf(Class<E> type, Predicate<E> filter) {
        return records(type, filter).get(0).offset();
    }
}
