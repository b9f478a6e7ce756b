package io.spillway.snapshot.repository;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.spillway.snapshot.domain.ChunkStore.ChunkSink;
import io.spillway.snapshot.domain.ChunkStore.ReadPlan;

/**
 * Reads chunks out of packs: neighbours in one pack by one ranged GET, each chunk opened as it streams in. A chunk
 * this worker's index does not know, or whose pack is gone, makes it read the store's index again once (another
 * worker wrote the chunk, or garbage collection moved it since).
 */
final class PackReader {

    /** Slices of one pack closer than this are fetched by one ranged GET, the gap read and dropped. */
    static final int COALESCE_GAP = 256 * 1024;
    /** A coalesced ranged GET never asks for more than this. */
    static final int MAX_RANGE = 32 * 1024 * 1024;
    /**
     * Each reading thread's buffers for one sealed and one opened chunk, kept between reads: a restore reads hundreds
     * of ranges, and chunks of up to 4 MiB are humongous objects for G1. A thread holds them as long as it lives; a
     * restore's pool ends with the restore.
     */
    private static final ThreadLocal<byte[][]> READ_BUFFERS = ThreadLocal.withInitial(() -> new byte[][] {
            new byte[0], new byte[0] });

    private final ObjectStore objects;
    private final Sealer sealer;
    private final PackIndex index;
    private final RepositoryConfig config;

    PackReader(ObjectStore objects, Sealer sealer, PackIndex index, RepositoryConfig config) {
        this.objects = objects;
        this.sealer = sealer;
        this.index = index;
        this.config = config;
    }

    Map<String, byte[]> fetchAll(Collection<String> hashes) {
        Map<String, byte[]> found = new HashMap<>();
        read(hashes, (hash, data, offset, length) -> found.put(hash, Arrays.copyOfRange(data, offset,
                offset + length)));
        return found;
    }

    void read(Collection<String> hashes, ChunkSink sink) {
        Set<String> unique = new LinkedHashSet<>(hashes);
        Map<String, BlobLocation> wanted = locateAll(unique);
        Set<String> delivered = new HashSet<>();
        read(wanted, sink, delivered);
        if (delivered.size() < wanted.size()) {
            // A pack gone: garbage collection moved its live chunks into a new pack since this worker looked.
            index.load(false);
            Map<String, BlobLocation> moved = index.locate(unique);
            moved.keySet().removeAll(delivered);
            read(moved, sink, delivered);
        }
    }

    /** Where the chunks are; the store's index is read again first when this worker does not know them all. */
    private Map<String, BlobLocation> locateAll(Set<String> unique) {
        config.check();
        Map<String, BlobLocation> wanted = index.locate(unique);
        if (wanted.size() < unique.size()) {
            index.load(false); // written by another worker since this one last looked
            wanted = index.locate(unique);
        }
        return wanted;
    }

    /**
     * One group per ranged GET {@link #read} would make for these chunks, in the order the packs are first needed and
     * by offset within a pack, with every chunk's plain length: a restore hands the groups to its threads, so each
     * request is made once, whatever order the files that need the chunks come in.
     */
    ReadPlan plan(Collection<String> hashes) {
        Map<String, BlobLocation> wanted = locateAll(new LinkedHashSet<>(hashes));
        Map<String, Integer> lengths = new HashMap<>();
        wanted.forEach((hash, location) -> lengths.put(hash, location.plainLength()));
        List<List<String>> groups = new ArrayList<>();
        for (List<Map.Entry<String, BlobLocation>> range : ranges(wanted)) {
            groups.add(range.stream().map(Map.Entry::getKey).toList());
        }
        return new ReadPlan(groups, lengths);
    }

    /**
     * Reads the chunks pack by pack, neighbours in one ranged GET, and opens each as it streams in: one buffer for the
     * sealed bytes and one for the plain, whatever the number of chunks.
     */
    private void read(Map<String, BlobLocation> wanted, ChunkSink sink, Set<String> delivered) {
        int largest = 0;
        for (BlobLocation location : wanted.values()) {
            largest = Math.max(largest, location.length());
        }
        byte[][] buffers = READ_BUFFERS.get();
        if (buffers[0].length < largest) {
            buffers[0] = new byte[largest];
            buffers[1] = new byte[largest];
        }
        byte[] sealed = buffers[0];
        byte[] plain = buffers[1];
        for (List<Map.Entry<String, BlobLocation>> inRange : ranges(wanted)) {
            BlobLocation first = inRange.get(0).getValue();
            long rangeStart = first.offset();
            long rangeEnd = 0;
            for (Map.Entry<String, BlobLocation> slice : inRange) {
                rangeEnd = Math.max(rangeEnd, slice.getValue().offset() + slice.getValue().length());
            }
            objects.readRange(first.pack(), rangeStart, (int) (rangeEnd - rangeStart), range -> {
                long position = rangeStart;
                for (Map.Entry<String, BlobLocation> slice : inRange) {
                    BlobLocation location = slice.getValue();
                    if (location.offset() < position) {
                        continue; // the same bytes under two hashes: cannot happen in packs we write
                    }
                    if (!skip(range, location.offset() - position)) {
                        return;
                    }
                    int got = range.readNBytes(sealed, 0, location.length());
                    position = location.offset() + got;
                    if (got < location.length()) {
                        return; // a short pack: the chunk is missing, the caller says which file needed it
                    }
                    int length = sealer.open(sealed, 0, location.length(), slice.getKey(), plain);
                    delivered.add(slice.getKey());
                    sink.accept(slice.getKey(), plain, 0, length);
                }
            });
        }
    }

    /**
     * The ranged GETs for these chunks: slices of one pack by offset, neighbours closer than {@link #COALESCE_GAP} in
     * one range of at most {@link #MAX_RANGE}; packs in the order they are first needed.
     */
    static List<List<Map.Entry<String, BlobLocation>>> ranges(Map<String, BlobLocation> wanted) {
        Map<String, List<Map.Entry<String, BlobLocation>>> byPack = new LinkedHashMap<>();
        for (Map.Entry<String, BlobLocation> entry : wanted.entrySet()) {
            byPack.computeIfAbsent(entry.getValue().pack(), pack -> new ArrayList<>()).add(entry);
        }
        List<List<Map.Entry<String, BlobLocation>>> ranges = new ArrayList<>();
        for (List<Map.Entry<String, BlobLocation>> slices : byPack.values()) {
            slices.sort(Comparator.comparingLong(entry -> entry.getValue().offset()));
            int start = 0;
            while (start < slices.size()) {
                int end = start + 1;
                long rangeStart = slices.get(start).getValue().offset();
                long rangeEnd = rangeStart + slices.get(start).getValue().length();
                while (end < slices.size()) {
                    BlobLocation next = slices.get(end).getValue();
                    long nextEnd = Math.max(rangeEnd, next.offset() + next.length());
                    if (next.offset() - rangeEnd > COALESCE_GAP || nextEnd - rangeStart > MAX_RANGE) {
                        break;
                    }
                    rangeEnd = nextEnd;
                    end++;
                }
                ranges.add(slices.subList(start, end));
                start = end;
            }
        }
        return ranges;
    }

    /** @return false when the stream ended first */
    private static boolean skip(InputStream in, long bytes) throws IOException {
        long left = bytes;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    return false;
                }
                skipped = 1;
            }
            left -= skipped;
        }
        return true;
    }
}
