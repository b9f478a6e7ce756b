package io.spillway.snapshot.domain;

/** A snapshot that cannot be taken, with a reason a caller can act on. */
public class SnapshotException extends RuntimeException {

    /** Why a snapshot failed. */
    public enum Reason {
        /** The request itself is unusable (an id that cannot name an object, a path leaving the filesystem). */
        INVALID_REQUEST,
        /** This worker knows no filesystem root for the requested site. */
        UNKNOWN_SITE,
        /** The filesystem, or the path in it, does not exist. */
        FILESYSTEM_NOT_FOUND,
        /** Reading the filesystem failed. */
        READ_FAILED,
        /** A file kept changing while it was read, so no consistent copy of it could be taken. */
        FILE_CHANGED,
        /** The object store refused or failed a request. */
        OBJECT_STORE,
        /** A restore was asked for a locator under which no manifest is stored. */
        SNAPSHOT_NOT_FOUND,
        /** A chunk fetched for a restore is missing, or its bytes do not hash to its name. */
        CHUNK_CORRUPT,
        /** Writing the restored tree failed. */
        WRITE_FAILED,
        /** The repository is encrypted and this worker has no key or another key, or the other way round. */
        ENCRYPTION
    }

    private final Reason reason;

    public SnapshotException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public SnapshotException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
