package io.spillway.snapshot.domain;

import java.util.List;

/**
 * Told how a restore goes while {@code posix.SnapshotRestorer} runs. Called from the restore's threads, one call at a
 * time, in order; {@link #progress} comes for every file and chunk, so it must be cheap.
 */
public interface RestoreListener {

    /** Listens to nothing. */
    RestoreListener NONE = new RestoreListener() {
    };

    /**
     * Every file under the priority paths is in place, verified, with its mode and mtime; no other file has been
     * written yet. Not called when the restore has no priority paths.
     *
     * @param priorityPaths the request's priority paths, relative to the restore's target
     */
    default void priorityPathsReady(List<String> priorityPaths) {
    }

    /** The counts now; the totals are the whole snapshot's from the first call. */
    default void progress(Progress progress) {
    }
}
