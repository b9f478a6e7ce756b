package io.spillway.storage.domain;

/** A filesystem request that cannot be honoured, with a reason a caller can act on. */
public class FilesystemException extends RuntimeException {

    /** Why a request was refused. */
    public enum Reason {
        /** The filesystem name is not a DNS-1123 label. */
        INVALID_NAME,
        /** A path inside a filesystem resolves to somewhere outside it. */
        PATH_ESCAPES_FILESYSTEM,
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
