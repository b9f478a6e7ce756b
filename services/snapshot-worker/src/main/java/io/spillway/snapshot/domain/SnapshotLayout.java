package io.spillway.snapshot.domain;

import java.util.regex.Pattern;

import io.spillway.snapshot.domain.SnapshotException.Reason;

/** Object keys of snap-to-object: {@code chunks/<sha256>} and {@code snapshots/<filesystem>/<snapshotId>.json}. */
public final class SnapshotLayout {

    /** Ids travel into object keys: no separators, no dot-only names. */
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private SnapshotLayout() {
    }

    public static String chunkKey(String sha256) {
        if (!SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("Not a lower-case hex SHA-256: " + sha256);
        }
        return "chunks/" + sha256;
    }

    /** The locator of a snapshot: the key of its manifest. */
    public static String manifestKey(String filesystem, String snapshotId) {
        return "snapshots/" + filesystem + "/" + snapshotId + ".json";
    }

    /**
     * Checks that a snapshot id can name an object.
     *
     * @throws SnapshotException with {@link Reason#INVALID_REQUEST} otherwise
     */
    public static String requireSafeId(String snapshotId) {
        if (snapshotId == null || !SAFE_ID.matcher(snapshotId).matches() || snapshotId.chars().allMatch(c -> c == '.')) {
            throw new SnapshotException(Reason.INVALID_REQUEST, "Snapshot id '" + snapshotId
                    + "' must be 1 to 128 letters, digits, '.', '_' or '-' (it names the manifest object)");
        }
        return snapshotId;
    }
}
