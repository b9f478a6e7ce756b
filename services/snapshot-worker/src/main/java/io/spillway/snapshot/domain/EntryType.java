package io.spillway.snapshot.domain;

/** What a manifest entry is. Special files (devices, fifos, sockets) are not snapshotted. */
public enum EntryType {
    FILE,
    DIR,
    SYMLINK
}
