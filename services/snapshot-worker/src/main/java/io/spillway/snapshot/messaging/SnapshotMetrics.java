package io.spillway.snapshot.messaging;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.spillway.snapshot.domain.RestoreResult;
import io.spillway.snapshot.domain.SnapshotResult;

/**
 * The worker's meters at {@code /q/metrics}. Names follow Prometheus' conventions once exported: a counter
 * {@code spillway.snapshot.bytes.scanned} is {@code spillway_snapshot_bytes_scanned_total}, a timer
 * {@code spillway.snapshot.duration} is {@code spillway_snapshot_duration_seconds}. Every meter is registered at
 * start, so a dashboard sees zeros rather than gaps before the first snapshot.
 */
@ApplicationScoped
public class SnapshotMetrics {

    static final String UPLOADED = "uploaded";
    static final String RESTORED = "restored";
    static final String FAILED = "failed";

    private final MeterRegistry registry;
    private final AtomicInteger snapshotsRunning = new AtomicInteger();
    private final AtomicInteger restoresRunning = new AtomicInteger();
    private final Counter bytesScanned;
    private final Counter bytesUploaded;
    private final Counter chunksNew;
    private final Counter chunksReused;
    private final Counter restoreBytesWritten;
    private final Counter restoreChunksFetched;

    public SnapshotMetrics(MeterRegistry registry) {
        this.registry = registry;
        // Held strongly: Micrometer keeps a gauge's object weakly by default, and a gauge whose object is collected
        // drops out of the exposition (seen in CI after a long run of other tests in the same JVM).
        Gauge.builder("spillway.snapshots.running", snapshotsRunning, AtomicInteger::get).strongReference(true)
                .description("Snapshots being walked and uploaded now").register(registry);
        Gauge.builder("spillway.restores.running", restoresRunning, AtomicInteger::get).strongReference(true)
                .description("Restores being fetched and written now").register(registry);
        bytesScanned = Counter.builder("spillway.snapshot.bytes.scanned")
                .description("File content read by snapshots, re-reads included").register(registry);
        bytesUploaded = Counter.builder("spillway.snapshot.bytes.uploaded")
                .description("Chunk bytes new to the object store and uploaded").register(registry);
        chunksNew = Counter.builder("spillway.snapshot.chunks.new")
                .description("Chunks uploaded by snapshots").register(registry);
        chunksReused = Counter.builder("spillway.snapshot.chunks.reused")
                .description("Chunks named by snapshots without an upload").register(registry);
        restoreBytesWritten = Counter.builder("spillway.restore.bytes.written")
                .description("Content bytes fetched, verified and written by restores").register(registry);
        restoreChunksFetched = Counter.builder("spillway.restore.chunks.fetched")
                .description("Chunks fetched from the object store by restores").register(registry);
        for (String outcome : new String[] { UPLOADED, FAILED }) {
            snapshots(outcome);
            snapshotDuration(outcome);
        }
        for (String outcome : new String[] { RESTORED, FAILED }) {
            restores(outcome);
            restoreDuration(outcome);
        }
    }

    /** A snapshot's walk and upload starts. */
    void snapshotStarted() {
        snapshotsRunning.incrementAndGet();
    }

    /** A snapshot's walk and upload ends, whatever its outcome. */
    void snapshotEnded() {
        snapshotsRunning.decrementAndGet();
    }

    void snapshotUploaded(SnapshotResult result) {
        bytesScanned.increment(result.bytesScanned());
        bytesUploaded.increment(result.bytesUploaded());
        chunksNew.increment(result.chunksNew());
        chunksReused.increment(result.chunksReused());
        snapshots(UPLOADED).increment();
        snapshotDuration(UPLOADED).record(Duration.ofMillis(result.durationMs()));
    }

    void snapshotFailed(Duration duration) {
        snapshots(FAILED).increment();
        snapshotDuration(FAILED).record(duration);
    }

    /** A restore's fetching and writing starts. */
    void restoreStarted() {
        restoresRunning.incrementAndGet();
    }

    /** A restore's fetching and writing ends, whatever its outcome. */
    void restoreEnded() {
        restoresRunning.decrementAndGet();
    }

    void restored(RestoreResult result) {
        restoreBytesWritten.increment(result.bytesWritten());
        restoreChunksFetched.increment(result.chunksFetched());
        restores(RESTORED).increment();
        restoreDuration(RESTORED).record(Duration.ofMillis(result.durationMs()));
    }

    void restoreFailed(Duration duration) {
        restores(FAILED).increment();
        restoreDuration(FAILED).record(duration);
    }

    private Counter snapshots(String outcome) {
        return Counter.builder("spillway.snapshots").tag("outcome", outcome)
                .description("Snapshots taken, by outcome").register(registry);
    }

    private Timer snapshotDuration(String outcome) {
        return Timer.builder("spillway.snapshot.duration").tag("outcome", outcome)
                .description("How long a snapshot took, walk, upload and manifest").register(registry);
    }

    private Counter restores(String outcome) {
        return Counter.builder("spillway.restores").tag("outcome", outcome)
                .description("Restores, by outcome").register(registry);
    }

    private Timer restoreDuration(String outcome) {
        return Timer.builder("spillway.restore.duration").tag("outcome", outcome)
                .description("How long a restore took").register(registry);
    }
}
