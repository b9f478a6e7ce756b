package io.spillway.intake.domain;

import java.util.regex.Pattern;

import io.spillway.schemas.VolumeMount;

/** Parses the volume syntax users type, {@code <filesystem>[/<subpath>]:<mountpath>[:ro|:rw]}. */
public final class VolumeSyntax {

    private static final Pattern DNS_1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    private VolumeSyntax() {
    }

    /**
     * The mount described by {@code text}.
     *
     * @throws IllegalArgumentException with a message that says what is wrong and what is expected
     */
    public static VolumeMount parse(String text) {
        String expected = "expected <filesystem>[/<subpath>]:<mountpath>[:ro], e.g. datasets/imagenet:/data:ro";
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("is empty; " + expected);
        }
        String[] parts = text.split(":", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw new IllegalArgumentException("'" + text + "' does not parse; " + expected);
        }
        boolean readOnly = false;
        if (parts.length == 3) {
            if (parts[2].equals("ro")) {
                readOnly = true;
            } else if (!parts[2].equals("rw")) {
                throw new IllegalArgumentException("'" + text + "' has mode '" + parts[2] + "'; the mode is ro or rw");
            }
        }
        String source = parts[0];
        int slash = source.indexOf('/');
        String filesystem = slash < 0 ? source : source.substring(0, slash);
        String subPath = slash < 0 ? null : trimSlashes(source.substring(slash + 1));
        if (!DNS_1123_LABEL.matcher(filesystem).matches() || filesystem.length() > 63) {
            throw new IllegalArgumentException("'" + text + "': filesystem '" + filesystem
                    + "' is not a DNS-1123 label (lower-case letters, digits and '-')");
        }
        if (subPath != null && (subPath.isEmpty() || subPath.equals("..") || subPath.startsWith("../")
                || subPath.contains("/../") || subPath.endsWith("/.."))) {
            throw new IllegalArgumentException("'" + text + "': subpath must stay inside the filesystem");
        }
        String mountPath = parts[1];
        if (!mountPath.startsWith("/") || mountPath.contains("/../") || mountPath.endsWith("/..")) {
            throw new IllegalArgumentException("'" + text + "': mount path '" + mountPath
                    + "' must be an absolute path without '..'");
        }
        return new VolumeMount(filesystem, subPath, mountPath, readOnly);
    }

    public static boolean isDns1123Label(String value) {
        return value != null && value.length() <= 63 && DNS_1123_LABEL.matcher(value).matches();
    }

    private static String trimSlashes(String path) {
        int start = 0;
        int end = path.length();
        while (start < end && path.charAt(start) == '/') {
            start++;
        }
        while (end > start && path.charAt(end - 1) == '/') {
            end--;
        }
        return path.substring(start, end);
    }
}
