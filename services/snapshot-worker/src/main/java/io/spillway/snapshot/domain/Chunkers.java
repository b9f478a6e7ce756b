package io.spillway.snapshot.domain;

import java.util.Optional;

/** The chunker a manifest's {@link Manifest.Chunking} describes, so a restore can cut a local file the same way. */
public final class Chunkers {

    private Chunkers() {
    }

    /**
     * The chunker that cut the manifest's files, or empty for a chunking this worker does not know (a restore then
     * treats every local file as different and fetches it).
     */
    public static Optional<Chunker> of(Manifest.Chunking chunking) {
        if (chunking == null || chunking.chunkSize() <= 0) {
            return Optional.empty();
        }
        return switch (chunking.algorithm()) {
            // FastCdcChunker's defaults are avg / 4 and avg * 4 around the average; the manifest records the average.
            case "fastcdc" -> Optional.of(new FastCdcChunker(chunking.chunkSize() / 4, chunking.chunkSize(),
                    chunking.chunkSize() * 4));
            case "fixed" -> Optional.of(new FixedSizeChunker(chunking.chunkSize()));
            default -> Optional.empty();
        };
    }
}
