package io.spillway.bench.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A process's CPU time (user and system, all its threads, live or ended) from Linux's /proc. */
final class ProcessCpu {

    /** Clock ticks per second in /proc/PID/stat: USER_HZ, 100 on every Linux ABI the JDK runs on. */
    private static final int TICKS_PER_SECOND = 100;

    private ProcessCpu() {
    }

    /** @return user plus system time in ms, or -1 where /proc does not say (not Linux, process gone) */
    static long millis(long pid) {
        try {
            return parse(Files.readString(Path.of("/proc", String.valueOf(pid), "stat")));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** utime and stime, the 14th and 15th fields; the command name before them may hold spaces and parentheses. */
    static long parse(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return ticks * 1000 / TICKS_PER_SECOND;
    }
}
