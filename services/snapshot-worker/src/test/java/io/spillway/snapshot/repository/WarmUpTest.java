package io.spillway.snapshot.repository;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.spillway.snapshot.domain.FastCdcChunker;
import io.spillway.snapshot.domain.FixedSizeChunker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WarmUpTest {

    @TempDir
    Path scratch;

    @Test
    void snapshotsAndRestoresTheGeneratedTreeAndLeavesTheScratchDirectoryAsItWas() throws IOException {
        Files.writeString(scratch.resolve("someone-elses-file"), "kept");

        WarmUp.Result result = WarmUp.run(scratch, true, new FastCdcChunker(), 4, 120, 2);

        assertEquals(120, result.files());
        assertEquals(2, result.restores());
        // The large file and 119 small ones of 1 to 8 KiB.
        assertTrue(result.bytes() >= WarmUp.LARGE_FILE_BYTES + 119 * 1024L, "bytes: " + result.bytes());
        assertTrue(result.bytes() <= WarmUp.LARGE_FILE_BYTES + 119L * WarmUp.SMALL_FILE_MAX_BYTES,
                "bytes: " + result.bytes());
        try (Stream<Path> left = Files.list(scratch)) {
            assertEquals(List.of(scratch.resolve("someone-elses-file")), left.toList());
        }
    }

    @Test
    void runsUnencryptedAndWithTheFixedSizeChunkerAlike() throws IOException {
        WarmUp.Result result = WarmUp.run(scratch.resolve("not-yet-there"), false, new FixedSizeChunker(), 1, 1, 1);

        assertEquals(1, result.files());
        assertEquals(WarmUp.LARGE_FILE_BYTES, result.bytes());
        try (Stream<Path> left = Files.list(scratch.resolve("not-yet-there"))) {
            assertEquals(0, left.count());
        }
    }

    @Test
    void aScratchDirectoryThatCannotBeMadeFailsNamingIt() throws IOException {
        Path file = Files.writeString(scratch.resolve("a-file"), "not a directory");

        UncheckedIOException failure = assertThrows(UncheckedIOException.class,
                () -> WarmUp.run(file, true, new FastCdcChunker(), 2, 10, 1));

        assertTrue(failure.getMessage().contains(file.toString()), failure.getMessage());
    }

    @Test
    void refusesNoFilesOrNoRounds() {
        assertThrows(IllegalArgumentException.class, () -> WarmUp.run(scratch, false, new FastCdcChunker(), 1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> WarmUp.run(scratch, false, new FastCdcChunker(), 1, 1, 0));
    }

    @Test
    void writesWhereConfiguredElseInSharedMemoryWhereWritableElseInTheTemporaryDirectory() throws IOException {
        Path configured = scratch.resolve("configured");
        Path sharedMemory = Files.createDirectories(scratch.resolve("shm"));
        Path temporary = scratch.resolve("tmp");

        assertEquals(configured, WarmUpDirectory.choose(Optional.of(configured), sharedMemory, temporary));
        assertEquals(sharedMemory, WarmUpDirectory.choose(Optional.empty(), sharedMemory, temporary));
        assertEquals(temporary, WarmUpDirectory.choose(Optional.empty(), scratch.resolve("no-shm"), temporary));
    }
}
