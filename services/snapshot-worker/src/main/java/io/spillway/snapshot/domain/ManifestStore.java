package io.spillway.snapshot.domain;

import java.util.List;
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

    /** The locators of every stored manifest, of every filesystem: what garbage collection must keep the chunks of. */
    List<String> list();

    /**
     * Deletes the manifest at a locator, which forgets the snapshot: its chunks stay until garbage collection finds
     * no other manifest naming them. Deleting a manifest that is not stored does nothing.
     */
    void delete(String locator);
}
