package io.spillway.snapshot.posix;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.spillway.snapshot.domain.FixedSizeChunker;
import io.spillway.snapshot.domain.InMemoryStore;
import io.spillway.snapshot.domain.Manifest;
import io.spillway.snapshot.domain.ManifestEntry;
import io.spillway.snapshot.domain.RestoreIndex;
import io.spillway.snapshot.domain.RestoreResult;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The restore index: a later restore trusts what an earlier one left untouched, and nothing else. */
class IndexedRestoreTest {

    private static final int CHUNK = 64 * 1024;
    private static final Instant OLD = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);

    @TempDir
    Path work;

    private final InMemoryStore store = new InMemoryStore();
    /** Dates its index a minute ahead, so every file it wrote is past the racy window for the next restore. */
    private final SnapshotRestorer restorer = new SnapshotRestorer(store, 4,
            Clock.offset(Clock.systemUTC(), Duration.ofMinutes(1)));
    private Path source;
    private Path target;

    @BeforeEach
    void aSource() throws IOException {
        source = work.resolve("site-a/datasets");
        target = work.resolve("site-b/datasets");
        Files.createDirectories(source.resolve("shards"));
        write("README.md", "hello");
        write("shards/a.bin", "a".repeat(3 * CHUNK + 5));
        write("shards/b.bin", "b".repeat(1000));
    }

    @Test
    void aSecondRestoreTrustsFilesTheFirstLeftUntouchedWithoutReadingOrFetchingThem() {
        Manifest manifest = snapshot("snap-1");
        restorer.restore(request("r-1", manifest));
        store.gets.clear();

        RestoreResult again = restorer.restore(request("r-2", manifest));

        assertEquals(3, again.filesTrusted());
        assertEquals(3, again.filesSkipped());
        assertEquals(List.of(), store.gets);
        assertEquals(List.of(), again.conflicts());
    }

    @Test
    void replacesFilesOfAnOlderSnapshotThatWereNotTouchedWithoutKeepingThemAside() throws IOException {
        restorer.restore(request("r-1", snapshot("snap-1")));
        write("README.md", "hello, version two");
        Manifest second = snapshot("snap-2");
        store.gets.clear();

        RestoreResult again = restorer.restore(request("r-2", second));

        assertEquals(List.of(), again.conflicts(), "the old README is in snap-1: nothing to keep aside");
        assertFalse(Files.exists(target.resolve(SnapshotRestorer.CONFLICTS)));
        assertEquals("hello, version two", Files.readString(target.resolve("README.md")));
        assertEquals(2, again.filesTrusted());
        assertEquals(1, store.gets.size(), "only the changed file is fetched");
    }

    @Test
    void keepsAsideAFileChangedAfterTheRestoreEvenWhenItsSizeAndMtimeAreBack() throws IOException {
        Manifest manifest = snapshot("snap-1");
        restorer.restore(request("r-1", manifest));
        Path restored = target.resolve("shards/b.bin");
        FileTime mtime = Files.getLastModifiedTime(restored);
        Files.writeString(restored, "B".repeat(1000), StandardCharsets.UTF_8);
        Files.setLastModifiedTime(restored, mtime);

        RestoreResult again = restorer.restore(request("r-2", manifest));

        assertEquals(List.of("shards/b.bin"), again.conflicts());
        assertEquals("B".repeat(1000), Files.readString(target.resolve(".spillway-conflicts/r-2/shards/b.bin")));
        assertEquals("b".repeat(1000), Files.readString(restored));
        assertEquals(2, again.filesTrusted());
    }

    @Test
    void readsAgainAFileOnlyTouchedSinceAndKeepsItWhenItsContentIsTheSame() throws IOException {
        Manifest manifest = snapshot("snap-1");
        restorer.restore(request("r-1", manifest));
        Path restored = target.resolve("README.md");
        Files.setLastModifiedTime(restored, Files.getLastModifiedTime(restored));

        RestoreResult again = restorer.restore(request("r-2", manifest));

        assertEquals(2, again.filesTrusted());
        assertEquals(3, again.filesSkipped(), "README.md was read and found equal");
        assertEquals(List.of(), again.conflicts());
    }

    @Test
    void doesNotTrustFilesWrittenInTheLastMomentsBeforeTheIndex() {
        SnapshotRestorer now = new SnapshotRestorer(store);
        Manifest manifest = snapshot("snap-1");
        now.restore(request("r-1", manifest));

        RestoreResult again = now.restore(request("r-2", manifest));

        assertEquals(0, again.filesTrusted());
        assertEquals(3, again.filesSkipped(), "every file was read and found equal");
    }

    @Test
    void aDamagedIndexTrustsNothing() throws IOException {
        Manifest manifest = snapshot("snap-1");
        restorer.restore(request("r-1", manifest));
        Files.writeString(target.resolve(RestoreIndex.FILE), "spillway.restore-index.v1\tyesterday\n");

        RestoreResult again = restorer.restore(request("r-2", manifest));

        assertEquals(0, again.filesTrusted());
        assertEquals(3, again.filesSkipped());
    }

    @Test
    void snapshotsLeaveTheIndexOut() {
        restorer.restore(request("r-1", snapshot("snap-1")));
        assertTrue(Files.exists(target.resolve(RestoreIndex.FILE)));

        Manifest ofTheCopy = new SnapshotTaker(new FixedSizeChunker(CHUNK), store, store, Clock.systemUTC())
                .take(new SnapshotTaker.Request("snap-b", "site-b", "datasets", null, target)).manifest();

        assertEquals(List.of("README.md", "shards", "shards/a.bin", "shards/b.bin"),
                ofTheCopy.entries().stream().map(ManifestEntry::path).toList());
    }

    private Manifest snapshot(String id) {
        return new SnapshotTaker(new FixedSizeChunker(CHUNK), store, store, Clock.systemUTC())
                .take(new SnapshotTaker.Request(id, "site-a", "datasets", null, source)).manifest();
    }

    private SnapshotRestorer.Request request(String restoreId, Manifest manifest) {
        return new SnapshotRestorer.Request(restoreId, manifest, target, List.of());
    }

    private void write(String path, String content) throws IOException {
        Path file = source.resolve(path);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        // Old enough for the taker to trust, and distinct from the restore's own writes.
        Files.setLastModifiedTime(file, FileTime.from(OLD));
    }
}
