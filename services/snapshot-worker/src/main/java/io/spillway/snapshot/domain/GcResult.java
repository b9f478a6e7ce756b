package io.spillway.snapshot.domain;

/**
 * What a garbage collection of the chunk store did.
 *
 * @param chunksKept chunks left in place: named by a manifest, or stored too recently to judge
 * @param chunksDeleted chunks deleted because no manifest names them
 * @param bytesDeleted their bytes
 */
public record GcResult(long chunksKept, long chunksDeleted, long bytesDeleted) {
}
