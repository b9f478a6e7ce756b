package io.spillway.snapshot.domain;

import java.util.List;

/**
 * One thing a repository check found damaged, and the snapshots it costs: a restore of any file in
 * {@link #snapshots()} would fail.
 *
 * @param kind what is wrong
 * @param message the same in words, with what the check saw
 * @param pack the pack object's key, for a problem of or in a pack; {@code null} otherwise
 * @param chunk the chunk's id (the SHA-256 of its content), for a problem of one chunk; {@code null} otherwise
 * @param index the index object's key, for an index that does not open or parse; {@code null} otherwise
 * @param snapshots the snapshots that need what is damaged, with the files that do; empty when none does (garbage
 *        that collection would delete anyway)
 */
public record CheckProblem(Kind kind, String message, String pack, String chunk, String index,
        List<AffectedSnapshot> snapshots) {

    /** What a check can find wrong. */
    public enum Kind {
        /** An index object names a pack the store does not hold: every chunk it placed there is lost. */
        PACK_MISSING,
        /**
         * A chunk's bytes in its pack do not decrypt, do not hash to its id, or lie beyond the pack's end. Found by
         * reading data, except beyond the end, which the pack's listed size shows.
         */
        CHUNK_DAMAGED,
        /** A manifest names a chunk no index places in any pack. */
        CHUNK_MISSING,
        /** An index object does not open or parse: the chunks it placed cannot be found. */
        INDEX_UNREADABLE,
        /** A manifest does not open or parse: its snapshot cannot be restored. */
        MANIFEST_UNREADABLE,
        /** The catalogue holds the snapshot as uploaded, and the store has no manifest at its locator. */
        MANIFEST_MISSING
    }

    public CheckProblem {
        snapshots = List.copyOf(snapshots);
    }

    /** A problem of the store found before the manifests are read, so with no snapshot yet. */
    public static CheckProblem of(Kind kind, String message, String pack, String chunk, String index) {
        return new CheckProblem(kind, message, pack, chunk, index, List.of());
    }

    /**
     * A snapshot that needs something damaged.
     *
     * @param locator its manifest's key
     * @param files how many of its files need what is damaged; 0 for a manifest problem, which costs all of them
     * @param paths those files' paths, sorted, at most {@link #MAX_PATHS} of them
     */
    public record AffectedSnapshot(String snapshotId, String locator, int files, List<String> paths) {

        /** Enough to act on; a lost pack can cost thousands of files, and {@link #files} counts them all. */
        public static final int MAX_PATHS = 100;

        public AffectedSnapshot {
            paths = List.copyOf(paths);
        }
    }
}
