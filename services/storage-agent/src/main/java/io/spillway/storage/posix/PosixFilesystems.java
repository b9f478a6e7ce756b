package io.spillway.storage.posix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import io.spillway.kit.ServiceIdentity;
import io.spillway.storage.config.StorageAgentConfig;
import io.spillway.storage.domain.FilesystemException;
import io.spillway.storage.domain.FilesystemException.Reason;
import io.spillway.storage.domain.FilesystemLayout;
import io.spillway.storage.domain.FilesystemPlanner;
import io.spillway.storage.domain.MountPlanner;
import io.spillway.storage.domain.SubPathGuard;

/** Filesystems as directories on a POSIX mount. Blocking: call it from a worker thread, never the event loop. */
@ApplicationScoped
public class PosixFilesystems {

    /** Creates the directory when missing; an existing one is fine, which makes provisioning idempotent. */
    public Path ensureDirectory(Path directory) {
        try {
            return Files.createDirectories(directory);
        } catch (IOException e) {
            throw new FilesystemException(Reason.IO_ERROR, "Cannot create filesystem directory " + directory + ": "
                    + e.getMessage(), e);
        }
    }

    /** Bytes in the regular files under {@code directory}, symlinks not followed; 0 when it is gone. */
    public long bytesUsed(Path directory) {
        return usage(directory).bytes();
    }

    /**
     * Bytes and regular files under {@code directory}, symlinks not followed, measured by walking the tree on every
     * call: exact at the time of the call, at the price of a walk, which is fine for an operator's listing.
     */
    public Usage usage(Path directory) {
        long[] total = { 0, 0 };
        try {
            Files.walkFileTree(directory, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    if (attributes.isRegularFile()) {
                        total[0] += attributes.size();
                        total[1]++;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    // A file deleted while we count is not an error worth failing a listing for.
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            return new Usage(0, 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Usage(total[0], total[1]);
    }

    /** Removes {@code directory} and everything in it; symlinks are removed, never followed. */
    public void removeTree(Path directory) {
        try {
            Files.walkFileTree(directory, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (e != null) {
                        throw e;
                    }
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            // Already gone: deleting is idempotent.
        } catch (IOException e) {
            throw new FilesystemException(Reason.IO_ERROR, "Cannot remove filesystem directory " + directory + ": "
                    + e.getMessage(), e);
        }
    }

    /** Bytes and regular files a filesystem holds. */
    public record Usage(long bytes, long files) {
    }

    /** The site's planner, built from configuration. */
    @Produces
    @ApplicationScoped
    FilesystemPlanner planner(ServiceIdentity identity, StorageAgentConfig config) {
        return new FilesystemPlanner(identity.site(), new FilesystemLayout(config.root()));
    }

    /** Mounts handed to jobs, checked against this site's root and named for its claims. */
    @Produces
    @ApplicationScoped
    MountPlanner mountPlanner(FilesystemPlanner planner, StorageAgentConfig config) {
        return new MountPlanner(new SubPathGuard(planner.layout()), config.claimPrefix(), config.storageClass());
    }
}
