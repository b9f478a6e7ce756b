package io.spillway.snapshot.repository;

/**
 * Where a chunk's bytes are: a slice of a pack object.
 *
 * @param length the slice's length as stored (sealed)
 * @param plainLength the chunk's own length
 */
public record BlobLocation(String pack, long offset, int length, int plainLength) {
}
