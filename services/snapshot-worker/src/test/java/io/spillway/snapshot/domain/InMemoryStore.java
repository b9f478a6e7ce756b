package io.spillway.snapshot.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A chunk and manifest store in memory that remembers the order of writes. */
public final class InMemoryStore implements ChunkStore, ManifestStore {

    public final Map<String, byte[]> chunks = new LinkedHashMap<>();
    public final List<String> writes = new ArrayList<>();
    public final List<Manifest> manifests = new ArrayList<>();
    /** Chunks fetched, in order; shared with a restore's threads. */
    public final List<String> gets = java.util.Collections.synchronizedList(new ArrayList<>());
    public int heads;
    /** When each chunk was stored, by the clock in {@link #now}. */
    public final Map<String, Instant> storedAt = new LinkedHashMap<>();
    public Instant now = Instant.EPOCH;
    public static final int GROUP = 4;
    /** The groups of every plan made, and the hashes of every read; shared with a restore's threads. */
    public final List<List<String>> plannedGroups = java.util.Collections.synchronizedList(new ArrayList<>());
    public final List<List<String>> reads = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public Optional<byte[]> fetch(String sha256) {
        gets.add(sha256);
        return Optional.ofNullable(chunks.get(sha256)).map(byte[]::clone);
    }

    /**
     * Groups of up to {@link #GROUP} chunks in the order asked, so a large file's chunks are read by several threads
     * at once and a group holds several files' chunks, as packs do; planning fetches nothing.
     */
    @Override
    public ReadPlan plan(Collection<String> hashes) {
        ReadPlan plan = group(hashes);
        plannedGroups.addAll(plan.groups());
        return plan;
    }

    /** Each read's hashes, in the order asked; shared with a restore's threads. */
    @Override
    public void read(Collection<String> hashes, ChunkSink sink) {
        reads.add(List.copyOf(hashes));
        ChunkStore.super.read(hashes, sink);
    }

    private ReadPlan group(Collection<String> hashes) {
        List<List<String>> groups = new ArrayList<>();
        Map<String, Integer> lengths = new HashMap<>();
        List<String> group = new ArrayList<>();
        for (String hash : new LinkedHashSet<>(hashes)) {
            byte[] chunk = chunks.get(hash);
            if (chunk == null) {
                continue;
            }
            lengths.put(hash, chunk.length);
            group.add(hash);
            if (group.size() == GROUP) {
                groups.add(group);
                group = new ArrayList<>();
            }
        }
        if (!group.isEmpty()) {
            groups.add(group);
        }
        return new ReadPlan(groups, lengths);
    }

    @Override
    public boolean contains(String sha256) {
        heads++;
        return chunks.containsKey(sha256);
    }

    @Override
    public void put(String sha256, byte[] data, int length) {
        chunks.put(sha256, Arrays.copyOf(data, length));
        storedAt.put(sha256, now);
        writes.add("chunk:" + sha256);
    }

    @Override
    public String put(Manifest manifest) {
        String key = SnapshotLayout.manifestKey(manifest.filesystem(), manifest.snapshotId());
        manifests.add(manifest);
        writes.add(key);
        return key;
    }

    @Override
    public Optional<Manifest> get(String locator) {
        return manifests.stream()
                .filter(m -> SnapshotLayout.manifestKey(m.filesystem(), m.snapshotId()).equals(locator)).findFirst();
    }

    @Override
    public List<String> list() {
        return manifests.stream().map(m -> SnapshotLayout.manifestKey(m.filesystem(), m.snapshotId())).toList();
    }

    @Override
    public void delete(String locator) {
        manifests.removeIf(m -> SnapshotLayout.manifestKey(m.filesystem(), m.snapshotId()).equals(locator));
    }

    @Override
    public GcResult collectGarbage(Set<String> referenced, Instant storedBefore) {
        long kept = 0;
        long deleted = 0;
        long bytes = 0;
        for (String hash : List.copyOf(chunks.keySet())) {
            if (referenced.contains(hash) || !storedAt.get(hash).isBefore(storedBefore)) {
                kept++;
            } else {
                bytes += chunks.remove(hash).length;
                storedAt.remove(hash);
                deleted++;
            }
        }
        return new GcResult(kept, deleted, bytes);
    }
}
