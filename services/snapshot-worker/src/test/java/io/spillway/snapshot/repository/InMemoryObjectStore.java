package io.spillway.snapshot.repository;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Predicate;

import io.spillway.snapshot.domain.SnapshotException;
import io.spillway.snapshot.domain.SnapshotException.Reason;

/** Objects in memory, with a log of requests and a switch to refuse PUTs of some keys. */
final class InMemoryObjectStore implements ObjectStore {

    final Map<String, byte[]> objects = new ConcurrentSkipListMap<>();
    final Map<String, Instant> modified = new ConcurrentSkipListMap<>();
    /** The time the next PUT is stamped with; tests move it. */
    volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");
    final List<String> puts = Collections.synchronizedList(new ArrayList<>());
    final List<String> gets = Collections.synchronizedList(new ArrayList<>());
    volatile Predicate<String> refusePut = key -> false;

    @Override
    public void put(String key, byte[] data, int offset, int length) {
        if (refusePut.test(key)) {
            throw new SnapshotException(Reason.OBJECT_STORE, "PUT " + key + " refused (test)");
        }
        objects.put(key, Arrays.copyOfRange(data, offset, offset + length));
        modified.put(key, now);
        puts.add(key);
    }

    @Override
    public Optional<byte[]> get(String key) {
        gets.add(key);
        return Optional.ofNullable(objects.get(key)).map(byte[]::clone);
    }

    @Override
    public boolean readRange(String key, long offset, int length, RangeReader reader) {
        gets.add(key + "@" + offset + "+" + length);
        return MemoryObjectStore.readRange(objects.get(key), offset, length, reader);
    }

    @Override
    public List<StoredObject> list(String prefix) {
        return objects.entrySet().stream().filter(entry -> entry.getKey().startsWith(prefix))
                .map(entry -> new StoredObject(entry.getKey(), entry.getValue().length, modified.get(entry.getKey())))
                .toList();
    }

    @Override
    public void delete(Collection<String> keys) {
        keys.forEach(objects::remove);
    }

    List<String> keys(String prefix) {
        return list(prefix).stream().map(StoredObject::key).toList();
    }
}
