package io.spillway.snapshot.repository;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Objects in this process's memory: the store a {@link WarmUp} snapshots into, never a site's data. */
final class MemoryObjectStore implements ObjectStore {

    private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    private final Instant created = Instant.now();

    @Override
    public void put(String key, byte[] data, int offset, int length) {
        objects.put(key, Arrays.copyOfRange(data, offset, offset + length));
    }

    @Override
    public Optional<byte[]> get(String key) {
        return Optional.ofNullable(objects.get(key)).map(byte[]::clone);
    }

    @Override
    public boolean readRange(String key, long offset, int length, RangeReader reader) {
        return readRange(objects.get(key), offset, length, reader);
    }

    /** A range of an object held in memory, cut short where the object ends; false when there is none. */
    static boolean readRange(byte[] object, long offset, int length, RangeReader reader) {
        if (object == null) {
            return false;
        }
        int from = (int) Math.min(offset, object.length);
        int to = (int) Math.min(object.length, offset + length);
        try {
            reader.read(new ByteArrayInputStream(object, from, to - from));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return true;
    }

    @Override
    public List<StoredObject> list(String prefix) {
        return objects.entrySet().stream().filter(entry -> entry.getKey().startsWith(prefix))
                .map(entry -> new StoredObject(entry.getKey(), entry.getValue().length, created)).toList();
    }

    @Override
    public void delete(Collection<String> keys) {
        keys.forEach(objects::remove);
    }
}
