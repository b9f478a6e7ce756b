package io.spillway.storage.domain;

import io.spillway.storage.domain.FilesystemException.Reason;

/**
 * A filesystem can be deleted only while no job holds a mount of it. The agent cannot see the scheduler's state, so
 * "mounted" means a mount it handed out and that has not been released; a job that dies without releasing keeps
 * the filesystem until an operator releases it, which errs on the side of keeping data.
 */
public final class DeletionRule {

    private DeletionRule() {
    }

    /**
     * @throws FilesystemException {@link Reason#MOUNTED} while any mount is held
     */
    public static void check(FilesystemName filesystem, int mounts) {
        if (mounts > 0) {
            throw new FilesystemException(Reason.MOUNTED, "Filesystem '" + filesystem + "' is mounted by " + mounts
                    + " running job(s); release their mounts first");
        }
    }
}
