package io.spillway.bench.snapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a tool as a child process under GNU {@code /usr/bin/time -v}, so every tool's wall time and peak memory are
 * measured by the same outside observer. Output goes to a log file, which a failure names.
 */
final class TimedProcess {

    static final Path GNU_TIME = Path.of("/usr/bin/time");

    private static final Pattern WALL = Pattern.compile("Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\): (\\S+)");
    private static final Pattern MAX_RSS = Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)");
    static final Pattern USER = Pattern.compile("User time \\(seconds\\): ([0-9.]+)");
    static final Pattern SYSTEM = Pattern.compile("System time \\(seconds\\): ([0-9.]+)");

    /**
     * One run.
     *
     * @param exitCode the tool's exit status
     * @param wallSeconds as GNU time measured it
     * @param peakRssKiB the tool's maximum resident set size
     * @param userSeconds the tool's user CPU time
     * @param systemSeconds the tool's system CPU time
     * @param log the tool's stdout and stderr
     */
    record Result(int exitCode, double wallSeconds, long peakRssKiB, double userSeconds, double systemSeconds,
            Path log) {

        boolean succeeded() {
            return exitCode == 0;
        }

        String logTail() {
            try {
                List<String> lines = Files.readAllLines(log);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
            } catch (IOException e) {
                return "(cannot read " + log + ": " + e.getMessage() + ")";
            }
        }
    }

    private TimedProcess() {
    }

    static Result run(List<String> command, Path workingDirectory, Map<String, String> environment, Path log) {
        Path timeReport = log.resolveSibling(log.getFileName() + ".time");
        List<String> timed = new ArrayList<>(List.of(GNU_TIME.toString(), "-v", "-o", timeReport.toString()));
        timed.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(timed).directory(workingDirectory.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        // The tools read their settings from AWS_*, RESTIC_* and RCLONE_* variables: only the benchmark's own count
        // (an inherited AWS_CA_BUNDLE, say, makes rclone refuse plain HTTP).
        builder.environment().keySet().removeIf(name -> name.startsWith("AWS_") || name.startsWith("RESTIC_")
                || name.startsWith("RCLONE_"));
        builder.environment().putAll(environment);
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log.resolveSibling(log.getFileName() + ".command"), String.join(" ", command) + "\n");
            int exitCode = builder.start().waitFor();
            String report = Files.readString(timeReport);
            return new Result(exitCode, wallSeconds(report), peakRssKiB(report), seconds(report, USER),
                    seconds(report, SYSTEM), log);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + command.get(0) + " (log " + log + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + command.get(0), e);
        }
    }

    /** {@code 1:02:03}, {@code 2:03.45} or {@code 0:03.45}. */
    static double wallSeconds(String report) {
        Matcher matcher = WALL.matcher(report);
        if (!matcher.find()) {
            throw new IllegalStateException("No wall clock time in GNU time's report:\n" + report);
        }
        double seconds = 0;
        for (String part : matcher.group(1).split(":")) {
            seconds = seconds * 60 + Double.parseDouble(part);
        }
        return seconds;
    }

    /** User time ({@link #USER}) or system time ({@link #SYSTEM}), as GNU time reports them. */
    static double seconds(String report, Pattern line) {
        Matcher matcher = line.matcher(report);
        if (!matcher.find()) {
            throw new IllegalStateException("No " + line.pattern() + " in GNU time's report:\n" + report);
        }
        return Double.parseDouble(matcher.group(1));
    }

    static long peakRssKiB(String report) {
        Matcher matcher = MAX_RSS.matcher(report);
        if (!matcher.find()) {
            throw new IllegalStateException("No maximum resident set size in GNU time's report:\n" + report);
        }
        return Long.parseLong(matcher.group(1));
    }
}
