package io.spillway.bench.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A restore counts as right only with the same files, sizes and contents: each kind of difference is named. */
class TreeDigestTest {

    @TempDir
    Path temp;

    @Test
    void namesMissingExtraAndDifferentFiles() throws IOException {
        Path source = temp.resolve("source");
        write(source.resolve("a/one.txt"), "one");
        write(source.resolve("a/two.txt"), "two");
        write(source.resolve("three.txt"), "three");
        Path restored = temp.resolve("restored");
        write(restored.resolve("a/one.txt"), "one");
        write(restored.resolve("a/two.txt"), "tw0");
        write(restored.resolve("four.txt"), "four");

        assertEquals(List.of("1 missing (e.g. three.txt)", "1 different size or content (e.g. a/two.txt)",
                "1 not in the source (e.g. four.txt)"),
                TreeDigest.of(source).differences(TreeDigest.of(restored)));
    }

    @Test
    void anIdenticalCopyHasNoDifference() throws IOException {
        Path source = temp.resolve("source");
        write(source.resolve("a/one.txt"), "one");
        Path copy = temp.resolve("copy");
        write(copy.resolve("a/one.txt"), "one");

        assertEquals(List.of(), TreeDigest.of(source).differences(TreeDigest.of(copy)));
    }

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
