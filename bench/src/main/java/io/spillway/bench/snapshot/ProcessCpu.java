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
        long[] userAndSystem = userAndSystemMillis(pid);
        return userAndSystem == null ? -1 : userAndSystem[0] + userAndSystem[1];
    }

    /** @return user and system time in ms, or {@code null} where /proc does not say */
    static long[] userAndSystemMillis(long pid) {
        try {
            return parse(Files.readString(Path.of("/proc", String.valueOf(pid), "stat")));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** utime and stime, the 14th and 15th fields; the command name before them may hold spaces and parentheses. */
    static long[] parse(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] { Long.parseLong(fields[11]) * 1000 / TICKS_PER_SECOND,
                Long.parseLong(fields[12]) * 1000 / TICKS_PER_SECOND };
    }
}
