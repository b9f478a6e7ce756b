package io.spillway.snapshot.domain;

/**
 * Told how a snapshot goes while {@code posix.SnapshotTaker} runs. Called on the taker's thread for every file found and
 * every chunk read, so it must be cheap: throttle anything expensive (see {@link ProgressThrottle}).
 */
@FunctionalInterface
public interface SnapshotListener {

    /** Listens to nothing. */
    SnapshotListener NONE = progress -> {
    };

    /** The counts now; {@code filesTotal} and {@code bytesTotal} grow while the walk finds more. */
    void progress(Progress progress);
}
