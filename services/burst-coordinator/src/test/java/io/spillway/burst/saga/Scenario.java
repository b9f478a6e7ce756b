package io.spillway.burst.saga;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One burst driven through the saga the way the adapters would: each input goes to the saga with the state the last
 * decision left, and the new state is kept. Ids are {@code id-1}, {@code id-2}, ... in the order the saga asks.
 */
final class Scenario {

    static final Instant T0 = Instant.parse("2026-03-04T05:00:00Z");
    static final SagaTimeouts TIMEOUTS = new SagaTimeouts(Duration.ofMinutes(10), Duration.ofMinutes(20));
    static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private final AtomicInteger ids = new AtomicInteger();
    final BurstSaga saga;
    BurstState state;

    Scenario() {
        this(List.of(new BurstSite("cloud", 8)));
    }

    Scenario(List<BurstSite> sites) {
        this(sites, TIMEOUTS);
    }

    Scenario(List<BurstSite> sites, SagaTimeouts timeouts) {
        saga = new BurstSaga(sites, Duration.ofDays(7), timeouts, () -> "id-" + ids.incrementAndGet());
    }

    static Instant minute(int minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }

    static Candidate job(String jobId, double gpus, Volume... volumes) {
        return new Candidate(jobId, "vision", gpus, List.of(volumes));
    }

    static Volume readOnly(String filesystem, String subPath) {
        return new Volume(filesystem, subPath, true);
    }

    static Volume writable(String filesystem, String subPath) {
        return new Volume(filesystem, subPath, false);
    }

    static QueueOverflow overflow(Candidate... candidates) {
        return new QueueOverflow("onprem", TRACEPARENT, List.of(candidates));
    }

    Decision open(Candidate... candidates) {
        return signal(overflow(candidates), SiteUsage.none(), 0);
    }

    Decision signal(QueueOverflow signal, SiteUsage usage, int at) {
        return apply(saga.onQueueOverflow(Optional.ofNullable(state), signal, usage, minute(at)));
    }

    Decision drained(int at) {
        return apply(saga.onQueueDrained(state, minute(at)));
    }

    Decision uploaded(String name, long bytes, int at) {
        return apply(saga.onSnapshotUploaded(state, data(name).snapshotId(), "s3://spillway/" + name, bytes,
                minute(at)));
    }

    Decision snapshotFailed(String filesystem, String reason, int at) {
        return apply(saga.onSnapshotFailed(state, data(filesystem).snapshotId(), reason, minute(at)));
    }

    Decision pathsReady(String filesystem, List<String> paths, int at) {
        return apply(saga.onFilesystemReady(state, data(filesystem).restoreId(), paths, minute(at)));
    }

    Decision restored(String filesystem, int at) {
        return apply(saga.onRestored(state, data(filesystem).restoreId(), minute(at)));
    }

    Decision restoreFailed(String filesystem, String reason, int at) {
        return apply(saga.onRestoreFailed(state, data(filesystem).restoreId(), reason, minute(at)));
    }

    /** Uploads and restores every filesystem still snapshotting or restoring. */
    Decision dataArrives(long bytesEach, int at) {
        Decision last = null;
        for (Transfer transfer : state.data()) {
            if (transfer.state() == TransferState.SNAPSHOTTING) {
                last = uploaded(transfer.label(), bytesEach, at);
            }
        }
        for (Transfer transfer : state.data()) {
            if (transfer.state() == TransferState.RESTORING) {
                last = restored(transfer.label(), at);
            }
        }
        return last;
    }

    Decision started(String jobId, String site, int at) {
        return apply(saga.onJobStarted(state, jobId, site, minute(at)));
    }

    Decision ended(String jobId, String site, boolean succeeded, int at) {
        return apply(saga.onJobEnded(state, jobId, site, succeeded, minute(at)));
    }

    Decision cancelled(String jobId, int at) {
        return apply(saga.onJobCancelled(state, jobId, minute(at)));
    }

    Decision handedOver(String jobId, String fromSite, String toSite, int at) {
        return apply(saga.onJobHandedOver(state, jobId, fromSite, toSite, minute(at)));
    }

    Decision declined(String jobId, String fromSite, String reason, int at) {
        return apply(saga.onRerouteDeclined(state, jobId, fromSite, reason, minute(at)));
    }

    Decision tick(int at) {
        return apply(saga.tick(state, minute(at)));
    }

    Decision resultsUploaded(String jobId, String filesystem, long bytes, int at) {
        return apply(saga.onSnapshotUploaded(state, result(jobId, filesystem).snapshotId(),
                "s3://spillway/results/" + jobId, bytes, minute(at)));
    }

    Decision resultsRestored(String jobId, String filesystem, int at) {
        return apply(saga.onRestored(state, result(jobId, filesystem).restoreId(), minute(at)));
    }

    Decision resultsRestoreFailed(String jobId, String filesystem, String reason, int at) {
        return apply(saga.onRestoreFailed(state, result(jobId, filesystem).restoreId(), reason, minute(at)));
    }

    /**
     * The latest transfer named so: {@code datasets/imagenet} for a subpath, or {@code datasets} for the whole
     * filesystem, or for the one transfer of that filesystem.
     */
    Transfer data(String name) {
        return state.data().stream().filter(transfer -> transfer.label().equals(name)).reduce((a, b) -> b)
                .or(() -> state.data().stream().filter(transfer -> transfer.filesystem().equals(name))
                        .reduce((a, b) -> b))
                .orElseThrow(() -> new AssertionError("no transfer of " + name));
    }

    Transfer result(String jobId, String filesystem) {
        return job(jobId).results().stream().filter(transfer -> transfer.filesystem().equals(filesystem))
                .findFirst().orElseThrow(() -> new AssertionError("no results of " + jobId + " on " + filesystem));
    }

    BurstJob job(String jobId) {
        return state.job(jobId).orElseThrow(() -> new AssertionError("no job " + jobId + " in the burst"));
    }

    /** Applies an input written against the current state, for inputs the helpers above do not cover. */
    Decision apply(Function<BurstState, Decision> input) {
        return apply(input.apply(state));
    }

    private Decision apply(Decision decision) {
        if (decision.state() != null) {
            state = decision.state();
        }
        return decision;
    }
}
