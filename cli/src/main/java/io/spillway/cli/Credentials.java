package io.spillway.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;

import io.spillway.cli.stack.Bootstrap;

/**
 * The credentials file {@code spillway up} writes and the CLI reads: the API's URL, the project of the project token,
 * the project token, the admin token and the service credential the local stack's services share (Java properties,
 * mode 600).
 */
public record Credentials(String url, String project, String token, String adminToken, String serviceToken) {

    /** The project the local stack's project token belongs to. */
    public static final String DEFAULT_PROJECT = "default";

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Fresh admin, project and service tokens for {@code project}, on the API at {@code url}. */
    public static Credentials generate(String url, String project) {
        return new Credentials(url, project, newToken(), newToken(), newToken());
    }

    /** {@code spw_} and 32 random bytes, base64url without padding: 256 bits, safe in a header and a shell. */
    public static String newToken() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return "spw_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** Lower-case hex SHA-256 of a token: what job-intake stores and compares, so the secret never leaves here. */
    public static String sha256Hex(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The file's credentials, or empty when there is no file. */
    public static Optional<Credentials> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        return Optional.of(new Credentials(blankToNull(properties.getProperty("url")),
                blankToNull(properties.getProperty("project")), blankToNull(properties.getProperty("token")),
                blankToNull(properties.getProperty("admin-token")),
                blankToNull(properties.getProperty("service-token"))));
    }

    /** Whether every token is there; a file without them is completed by {@code spillway up}. */
    public boolean hasTokens() {
        return token != null && adminToken != null && serviceToken != null;
    }

    /** These credentials with the missing parts generated, existing tokens kept (the database already knows them). */
    public Credentials completedWith(String defaultUrl) {
        return new Credentials(url == null ? defaultUrl : url, project == null ? DEFAULT_PROJECT : project,
                token == null ? newToken() : token, adminToken == null ? newToken() : adminToken,
                serviceToken == null ? newToken() : serviceToken);
    }

    /** What job-intake needs to accept these tokens: their hashes. */
    public Bootstrap bootstrap() {
        return new Bootstrap(sha256Hex(adminToken), sha256Hex(token), project, serviceToken);
    }

    /**
     * Writes the file readable by its owner only. The temporary file gets its permissions before any secret is
     * written into it, so the tokens are never readable by others, not even for a moment.
     */
    public void write(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temporary = dir.resolve(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        try {
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException | FileAlreadyExistsException e) {
            throw new IOException("cannot create " + temporary + " with mode 600", e);
        }
        Files.writeString(temporary, toProperties(), StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private String toProperties() throws IOException {
        Properties properties = new Properties();
        putIfPresent(properties, "url", url);
        putIfPresent(properties, "project", project);
        putIfPresent(properties, "token", token);
        putIfPresent(properties, "admin-token", adminToken);
        putIfPresent(properties, "service-token", serviceToken);
        StringWriter text = new StringWriter();
        properties.store(text, "Spillway credentials, written by `spillway up`. Keep this file private.");
        return text.toString();
    }

    private static void putIfPresent(Properties properties, String key, String value) {
        if (value != null) {
            properties.setProperty(key, value);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** Never print the secrets, not even in a test's failure message. */
    @Override
    public String toString() {
        return "Credentials[url=" + url + ", project=" + project + ", token=" + (token == null ? null : "***")
                + ", adminToken=" + (adminToken == null ? null : "***") + ", serviceToken="
                + (serviceToken == null ? null : "***") + "]";
    }
}
