package io.spillway.burst.domain;

/** Where one of a burst's snapshots is. */
public enum SnapshotState {
    REQUESTED,
    UPLOADED,
    FAILED
}
