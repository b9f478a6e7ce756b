package io.spillway.snapshot.domain;

import java.util.regex.Pattern;

import io.spillway.snapshot.domain.SnapshotException.Reason;

/**
 * Object keys of snap-to-object: {@code packs/<xx>/<id>} (chunks packed together), {@code index/<id>} (which chunk is
 * where) and {@code snapshots/<filesystem>/<snapshotId>.json} (manifests, the locators).
 */
public final class SnapshotLayout {

    /** Ids travel into object keys: no separators, no dot-only names. */
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private SnapshotLayout() {
    }

    public static final String PACK_PREFIX = "packs/";
    public static final String INDEX_PREFIX = "index/";
    public static final String MANIFEST_PREFIX = "snapshots/";
    private static final Pattern PACK_ID = Pattern.compile("[0-9a-f]{32}");

    /** A pack's key, fanned out by its first two characters as restic does, so no listing is one huge prefix. */
    public static String packKey(String packId) {
        if (!PACK_ID.matcher(packId).matches()) {
            throw new IllegalArgumentException("Not a 32-character hex pack id: " + packId);
        }
        return PACK_PREFIX + packId.substring(0, 2) + "/" + packId;
    }

    /** Checks a chunk's name: the lower-case hex SHA-256 of its content. */
    public static String requireSha256(String sha256) {
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("Not a lower-case hex SHA-256: " + sha256);
        }
        return sha256;
    }

    /** The locator of a snapshot: the key of its manifest. */
    public static String manifestKey(String filesystem, String snapshotId) {
        return MANIFEST_PREFIX + filesystem + "/" + snapshotId + ".json";
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
