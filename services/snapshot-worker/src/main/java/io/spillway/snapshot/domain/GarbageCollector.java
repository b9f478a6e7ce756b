package io.spillway.snapshot.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Deletes the chunks that no stored manifest names (restic's {@code prune}). The caller makes it safe against a
 * concurrent snapshot by holding the exclusive lease (see DESIGN.md); on top of that, a chunk stored within
 * {@code grace} of the start is never deleted, and manifests written while the referenced set was built are read
 * too. Blocking.
 */
public final class GarbageCollector {

    private final ManifestStore manifests;
    private final ChunkStore chunks;
    private final Clock clock;
    private final Duration grace;

    public GarbageCollector(ManifestStore manifests, ChunkStore chunks, Clock clock, Duration grace) {
        this.manifests = manifests;
        this.chunks = chunks;
        this.clock = clock;
        this.grace = grace;
    }

    public GcResult collect() {
        Instant startedAt = clock.instant();
        Set<String> read = new HashSet<>();
        Set<String> referenced = new HashSet<>();
        addReferences(manifests.list(), read, referenced);
        // A manifest that appeared while the others were read (a snapshot whose lease expired): its chunks stay too.
        addReferences(manifests.list(), read, referenced);
        return chunks.collectGarbage(referenced, startedAt.minus(grace));
    }

    private void addReferences(List<String> locators, Set<String> read, Set<String> referenced) {
        for (String locator : locators) {
            if (!read.add(locator)) {
                continue;
            }
            // A manifest deleted since the listing names nothing any more; one that cannot be read stops the
            // collection, since its chunks cannot be told apart from garbage.
            manifests.get(locator).ifPresent(
                    manifest -> manifest.entries().forEach(entry -> referenced.addAll(entry.chunks())));
        }
    }
}
