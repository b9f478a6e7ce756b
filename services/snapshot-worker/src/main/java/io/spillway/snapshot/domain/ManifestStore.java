package io.spillway.snapshot.domain;

import java.util.Optional;

/**
 * Where manifests live. A manifest is written after every chunk it names, so a manifest that can be read is a
 * complete snapshot. Implementations report failures as {@link SnapshotException} with
 * {@link SnapshotException.Reason#OBJECT_STORE}.
 */
public interface ManifestStore {

    /**
     * Stores a manifest.
     *
     * @return its locator, {@link SnapshotLayout#manifestKey}
     */
    String put(Manifest manifest);

    /**
     * Reads a stored manifest back, the parent of an incremental snapshot.
     *
     * @return empty when no manifest is stored under the locator (retention deleted it)
     */
    Optional<Manifest> get(String locator);
}
