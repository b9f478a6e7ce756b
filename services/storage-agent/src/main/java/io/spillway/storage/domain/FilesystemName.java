package io.spillway.storage.domain;

import java.util.regex.Pattern;

import io.spillway.storage.domain.FilesystemException.Reason;

/**
 * The name of a filesystem: a DNS-1123 label, so it is safe as a directory name, a Kubernetes volume name and an S3
 * key segment alike, and can never climb out of the root it lives in.
 */
public record FilesystemName(String value) {

    private static final Pattern DNS_1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final int MAX_LENGTH = 63;

    public FilesystemName {
        if (value == null || value.length() > MAX_LENGTH || !DNS_1123_LABEL.matcher(value).matches()) {
            throw new FilesystemException(Reason.INVALID_NAME, "Filesystem name '" + value
                    + "' is not a DNS-1123 label (lower-case letters, digits and '-', starting and ending with a"
                    + " letter or digit, at most " + MAX_LENGTH + " characters)");
        }
    }

    /** The name, validated. */
    public static FilesystemName of(String value) {
        return new FilesystemName(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
