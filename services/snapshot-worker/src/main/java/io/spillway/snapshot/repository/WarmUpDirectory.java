package io.spillway.snapshot.repository;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Where a {@link WarmUp} writes its generated data. */
public final class WarmUpDirectory {

    static final Path SHARED_MEMORY = Path.of("/dev/shm");

    private WarmUpDirectory() {
    }

    /**
     * The configured directory, else {@code /dev/shm} where it is a writable directory, else the JVM's temporary
     * directory. Memory first: on ext4, creating files soon after thousands were deleted nearby is slower (freed
     * inodes are skipped for up to minutes), and the warm-up deletes its files just before real restores may begin.
     */
    public static Path choose(Optional<Path> configured) {
        return choose(configured, SHARED_MEMORY, Path.of(System.getProperty("java.io.tmpdir")));
    }

    static Path choose(Optional<Path> configured, Path sharedMemory, Path temporary) {
        if (configured.isPresent()) {
            return configured.get();
        }
        return Files.isDirectory(sharedMemory) && Files.isWritable(sharedMemory) ? sharedMemory : temporary;
    }
}
