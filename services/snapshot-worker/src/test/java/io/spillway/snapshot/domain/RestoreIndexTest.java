package io.spillway.snapshot.domain;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The restore index as data: it trusts a file only while it looks exactly as the restore that wrote it left it. */
class RestoreIndexTest {

    private static final Instant WRITTEN = Instant.parse("2025-03-01T12:00:00Z");
    private static final Instant MTIME = Instant.parse("2025-02-01T08:00:00Z");
    private static final Instant CTIME = WRITTEN.minus(Duration.ofMinutes(5));
    private static final ManifestEntry ENTRY = ManifestEntry.file("shards/a.bin", 0644, 10, MTIME, List.of("c1", "c2"));
    private static final RestoreIndex.Local AS_LEFT = new RestoreIndex.Local(10, MTIME, CTIME, 42, 0644);

    @Test
    void trustsAFileThatLooksExactlyAsTheRestoreLeftIt() throws IOException {
        RestoreIndex index = indexOf(ENTRY, AS_LEFT, WRITTEN);

        assertTrue(index.untouched("shards/a.bin", AS_LEFT));
        assertTrue(index.holds("shards/a.bin", AS_LEFT, ENTRY));
    }

    @Test
    void anyChangeToCtimeInodeSizeMtimeOrModeMakesTheFileTouched() throws IOException {
        RestoreIndex index = indexOf(ENTRY, AS_LEFT, WRITTEN);

        for (RestoreIndex.Local changed : List.of(new RestoreIndex.Local(10, MTIME, CTIME.plusNanos(1), 42, 0644),
                new RestoreIndex.Local(10, MTIME, CTIME, 43, 0644), new RestoreIndex.Local(11, MTIME, CTIME, 42, 0644),
                new RestoreIndex.Local(10, MTIME.plusSeconds(1), CTIME, 42, 0644),
                new RestoreIndex.Local(10, MTIME, CTIME, 42, 0600))) {
            assertFalse(index.untouched("shards/a.bin", changed), changed.toString());
        }
        assertFalse(index.untouched("shards/b.bin", AS_LEFT), "a path the index does not name");
    }

    @Test
    void anUntouchedFileOfOtherContentIsNotHeldButStillUntouched() throws IOException {
        RestoreIndex index = indexOf(ENTRY, AS_LEFT, WRITTEN);
        ManifestEntry newer = ManifestEntry.file("shards/a.bin", 0644, 10, MTIME, List.of("c1", "c3"));

        assertTrue(index.untouched("shards/a.bin", AS_LEFT));
        assertFalse(index.holds("shards/a.bin", AS_LEFT, newer));
    }

    @Test
    void distrustsFilesChangedWithinTheRacyWindowBeforeTheIndex() throws IOException {
        RestoreIndex.Local late = new RestoreIndex.Local(10, MTIME, WRITTEN.minus(RestoreIndex.RACY), 42, 0644);
        RestoreIndex index = indexOf(ENTRY, late, WRITTEN);

        assertFalse(index.untouched("shards/a.bin", late));
    }

    @Test
    void aDamagedOrForeignTextIsAnEmptyIndex() {
        for (List<String> text : List.of(List.<String> of(), List.of("something else"),
                List.of("spillway.restore-index.v1\tyesterday"),
                List.of("spillway.restore-index.v1\t2025-03-01T12:00:00Z", "not\ta\tline"))) {
            assertFalse(RestoreIndex.parse(text).untouched("shards/a.bin", AS_LEFT), text.toString());
        }
    }

    @Test
    void escapesPathsSoEveryFileIsOneLine() {
        for (String path : List.of("plain", "tab\there", "new\nline", "per%cent%09", "cr\r")) {
            String escaped = RestoreIndex.escape(path);
            assertFalse(escaped.contains("\t") || escaped.contains("\n") || escaped.contains("\r"), escaped);
            assertEquals(path, RestoreIndex.unescape(escaped));
        }
    }

    /** The index a restore that wrote {@code entry} and saw it as {@code local} leaves, read back. */
    private static RestoreIndex indexOf(ManifestEntry entry, RestoreIndex.Local local, Instant writtenAt)
            throws IOException {
        RestoreIndex.Writer writer = new RestoreIndex.Writer();
        writer.add(entry.path(), entry, local);
        StringBuilder text = new StringBuilder();
        writer.writeTo(text, writtenAt);
        return RestoreIndex.parse(new ArrayList<>(List.of(text.toString().split("\n"))));
    }
}
