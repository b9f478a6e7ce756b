package io.spillway.scheduler.executor.kubernetes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Names and label values Kubernetes accepts, made from job ids, sites and filesystems that come from outside. A text
 * that has to change to fit keeps a short hash of the original, so two different ids never share a pod or a label.
 */
public final class PodNames {

    /** A pod name is a DNS subdomain, but kept to a DNS label (63) so it can also serve as the pod's host name. */
    static final int MAX_NAME = 63;
    static final int MAX_LABEL_VALUE = 63;
    private static final int HASH_CHARS = 8;
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");

    private PodNames() {
    }

    /** {@code spillway-<job id>-<worker>}, made DNS-safe; the worker index always survives shortening. */
    public static String pod(String jobId, int worker) {
        String suffix = "-" + worker;
        return dnsLabel("spillway-" + jobId, MAX_NAME - suffix.length()) + suffix;
    }

    /** The pod volume of a filesystem: {@code fs-<filesystem>}, made DNS-safe. */
    static String volume(String filesystem) {
        return dnsLabel("fs-" + filesystem, MAX_NAME);
    }

    /** A label value for a job id or a site: the text itself when Kubernetes takes it. */
    public static String labelValue(String text) {
        if (text.length() <= MAX_LABEL_VALUE && LABEL_VALUE.matcher(text).matches()) {
            return text;
        }
        String cleaned = trim(text.replaceAll("[^A-Za-z0-9._-]", "-"), "[^A-Za-z0-9]+");
        return shortened(cleaned, text, MAX_LABEL_VALUE);
    }

    /** Lower-case letters, digits and dashes, starting and ending with a letter or digit, at most {@code max} long. */
    static String dnsLabel(String text, int max) {
        if (text.length() <= max && DNS_LABEL.matcher(text).matches()) {
            return text;
        }
        String cleaned = trim(text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-"), "-+");
        return shortened(cleaned, text, max);
    }

    private static String shortened(String cleaned, String original, int max) {
        String hash = hash(original);
        int room = max - HASH_CHARS - 1;
        String head = cleaned.length() > room ? cleaned.substring(0, room) : cleaned;
        head = trim(head, "[^A-Za-z0-9]+");
        return head.isEmpty() ? hash : head + "-" + hash;
    }

    private static String trim(String text, String junk) {
        return text.replaceAll("^" + junk, "").replaceAll(junk + "$", "");
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HASH_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
