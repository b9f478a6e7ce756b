package io.spillway.storage.domain;

/** A filesystem request that cannot be honoured, with a reason a caller can act on. */
public class FilesystemException extends RuntimeException {

    /** Why a request was refused. */
    public enum Reason {
        /** The filesystem name is not a DNS-1123 label. */
        INVALID_NAME,
        /** A path inside a filesystem resolves to somewhere outside it. */
        PATH_ESCAPES_FILESYSTEM,
        /** A mount names no job. */
        INVALID_JOB_ID,
        /** No filesystem of that name is catalogued at this site. */
        NOT_FOUND,
        /** A filesystem of that name exists already. */
        ALREADY_EXISTS,
        /** Jobs hold mounts of the filesystem, so it cannot be deleted. */
        MOUNTED,
        /** The filesystem's directory could not be created or read. */
        IO_ERROR
    }

    private final Reason reason;

    public FilesystemException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public FilesystemException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
