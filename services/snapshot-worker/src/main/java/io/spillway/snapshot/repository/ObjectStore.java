package io.spillway.snapshot.repository;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The few object-store operations the repository needs, blocking. Implementations report failures as
 * {@link io.spillway.snapshot.domain.SnapshotException} with reason {@code OBJECT_STORE}.
 */
public interface ObjectStore {

    void put(String key, byte[] data, int offset, int length);

    default void put(String key, byte[] data) {
        put(key, data, 0, data.length);
    }

    /** @return empty when there is no object under the key */
    Optional<byte[]> get(String key);

    /**
     * Hands {@code length} bytes from {@code offset} to {@code reader} as a stream, as they arrive, so a reader of
     * many megabytes need not hold them all at once. The stream ends early where the object does.
     *
     * @return false when there is no object under the key (the reader is not called)
     */
    boolean readRange(String key, long offset, int length, RangeReader reader);

    /** Reads a range as it streams in; an {@link IOException} is the store's, reported as such. */
    @FunctionalInterface
    interface RangeReader {
        void read(InputStream range) throws IOException;
    }

    /** Every object under the prefix, in no promised order. */
    List<StoredObject> list(String prefix);

    /** Deletes the objects; a key with no object is no error. */
    void delete(Collection<String> keys);

    /** An object as listed. */
    record StoredObject(String key, long size, Instant lastModified) {
    }
}
