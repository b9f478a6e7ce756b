package io.spillway.bench.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import io.spillway.snapshot.domain.RestoreIndex;

/**
 * What a user checks after a restore: the same regular files, at the same relative paths, with the same sizes and
 * contents (SHA-256). Directories and metadata are not compared.
 *
 * @param files relative path ('/'-separated) to size and content hash, sorted by path
 */
public record TreeDigest(Map<String, FileDigest> files) {

    /** One file's size and SHA-256. */
    public record FileDigest(long size, String sha256) {
    }

    public TreeDigest {
        files = new TreeMap<>(files);
    }

    /** Reads every regular file under {@code root}. */
    public static TreeDigest of(Path root) {
        Map<String, FileDigest> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            // A Spillway restore leaves its index of what it wrote (RestoreIndex): bookkeeping, not the dataset.
            for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)
                    .filter(file -> !RestoreIndex.isIndexFile(file.getFileName().toString()))::iterator) {
                String relative = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                files.put(relative, new FileDigest(Files.size(file), sha256(file)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + root, e);
        }
        return new TreeDigest(files);
    }

    public long bytes() {
        return files.values().stream().mapToLong(FileDigest::size).sum();
    }

    /**
     * How {@code restored} differs from this tree: missing, extra, and differing files, a few of each named; empty
     * when it is the same.
     */
    public List<String> differences(TreeDigest restored) {
        List<String> missing = new ArrayList<>();
        List<String> different = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        files.forEach((path, digest) -> {
            FileDigest other = restored.files.get(path);
            if (other == null) {
                missing.add(path);
            } else if (!other.equals(digest)) {
                different.add(path);
            }
        });
        restored.files.keySet().stream().filter(path -> !files.containsKey(path)).forEach(extra::add);
        List<String> differences = new ArrayList<>();
        describe(differences, "missing", missing);
        describe(differences, "different size or content", different);
        describe(differences, "not in the source", extra);
        return differences;
    }

    private static void describe(List<String> differences, String what, List<String> paths) {
        if (!paths.isEmpty()) {
            differences.add(paths.size() + " " + what + " (e.g. " + String.join(", ", paths.subList(0,
                    Math.min(3, paths.size()))) + ")");
        }
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                digest.update(buffer, 0, read);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
