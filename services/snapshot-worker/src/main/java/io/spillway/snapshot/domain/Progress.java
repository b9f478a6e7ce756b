package io.spillway.snapshot.domain;

/**
 * How far a snapshot or a restore has got. Files in place already (restore) or unchanged since the parent
 * (snapshot) count as done at once; {@code bytesDone} never exceeds {@code bytesTotal}.
 */
public record Progress(long filesDone, long filesTotal, long bytesDone, long bytesTotal) {
}
