package io.spillway.snapshot.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Counts files and bytes done against the totals found, and hands every change to a listener, one at a time under
 * this counter's lock, so the listener sees counts that never go down even when several threads report.
 */
public final class ProgressCounter {

    private final Consumer<Progress> listener;
    private long filesDone;
    private long filesTotal;
    private long bytesDone;
    private long bytesTotal;

    public ProgressCounter(Consumer<Progress> listener) {
        this.listener = listener;
    }

    /** A file of {@code size} bytes to be done: the totals grow by it. */
    public synchronized File file(long size) {
        filesTotal++;
        bytesTotal += size;
        report();
        return new File(size);
    }

    /** Files known from the start: the totals grow by all of them at once, in one report. */
    public synchronized List<File> files(List<Long> sizes) {
        List<File> files = new ArrayList<>();
        for (long size : sizes) {
            filesTotal++;
            bytesTotal += size;
            files.add(new File(size));
        }
        report();
        return files;
    }

    private void report() {
        listener.accept(new Progress(filesDone, filesTotal, bytesDone, bytesTotal));
    }

    /** One file's share of the counts: never more than its size, however often it is read again. */
    public final class File {

        private final long size;
        private long counted;
        private boolean done;

        private File(long size) {
            this.size = size;
        }

        /** {@code bytes} more of the file are read or written. */
        public void advanced(long bytes) {
            synchronized (ProgressCounter.this) {
                long add = Math.min(bytes, size - counted);
                if (add <= 0) {
                    return;
                }
                counted += add;
                bytesDone += add;
                report();
            }
        }

        /** The file is done: whatever of its size was not counted yet is. */
        public void done() {
            synchronized (ProgressCounter.this) {
                if (done) {
                    return;
                }
                done = true;
                bytesDone += size - counted;
                counted = size;
                filesDone++;
                report();
            }
        }
    }
}
