package io.spillway.snapshot.domain;

/**
 * A repository that can check itself, as {@code restic check} does: the port {@link RepositoryChecker} drives.
 * Damage is reported, not thrown; a store that cannot be read at all (the object store fails, another key) throws
 * {@link SnapshotException}.
 */
public interface CheckableStore {

    /**
     * Checks that every pack an index names is there and that every index entry lies inside its pack;
     * {@code readData} also reads every such pack whole and checks each chunk opens and hashes to its id.
     */
    StoreCheck verify(boolean readData);

    /** Reads a manifest for a check: one that does not open or parse is a finding, not a failure. */
    ManifestRead readManifest(String locator);

    /** A manifest as a check reads it. */
    sealed interface ManifestRead {
    }

    record Found(Manifest manifest) implements ManifestRead {
    }

    /** No manifest at the locator (deleted since it was listed). */
    record Absent() implements ManifestRead {
    }

    record Unreadable(String message) implements ManifestRead {
    }
}
