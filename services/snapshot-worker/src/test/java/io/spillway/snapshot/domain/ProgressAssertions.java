package io.spillway.snapshot.domain;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every sequence of progress reports must satisfy. */
public final class ProgressAssertions {

    private ProgressAssertions() {
    }

    /** Done counts never go down and never pass the totals; totals never shrink. */
    public static void assertNeverGoesDown(List<Progress> reports) {
        assertTrue(!reports.isEmpty(), "progress was reported");
        Progress previous = new Progress(0, 0, 0, 0);
        for (Progress progress : List.copyOf(reports)) {
            assertTrue(progress.filesDone() >= previous.filesDone(), previous + " then " + progress);
            assertTrue(progress.bytesDone() >= previous.bytesDone(), previous + " then " + progress);
            assertTrue(progress.filesTotal() >= previous.filesTotal(), previous + " then " + progress);
            assertTrue(progress.bytesTotal() >= previous.bytesTotal(), previous + " then " + progress);
            assertTrue(progress.filesDone() <= progress.filesTotal(), progress.toString());
            assertTrue(progress.bytesDone() <= progress.bytesTotal(), progress.toString());
            previous = progress;
        }
    }
}
