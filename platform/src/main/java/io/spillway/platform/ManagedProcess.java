package io.spillway.platform;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A child process of the platform with its output in a log file, and the ways to run and stop one. */
final class ManagedProcess {

    static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private static final File NO_INPUT = new File("/dev/null");

    private final String name;
    private final Process process;
    private final Path log;

    private ManagedProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code command} with stdout and stderr appended to {@code log}. A detached process gets
     * its own session (setsid), so a terminal's Ctrl-C or the end of a CI step that ran
     * {@code PlatformMain start} does not take it down with the JVM that started it.
     */
    static ManagedProcess start(String name, List<String> command, Path workDir, Path log, boolean detached)
            throws IOException {
        List<String> argv = new ArrayList<>();
        if (detached && Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            argv.add("/usr/bin/setsid");
        }
        argv.addAll(command);
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(argv)
                .directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(NO_INPUT))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return new ManagedProcess(name, builder.start(), log);
    }

    /** Runs a short command to completion, its output into {@code log}; fails with that output if it fails. */
    static void run(String what, List<String> command, Path log, Duration timeout) throws IOException {
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(NO_INPUT))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException(what + " did not finish within " + timeout + ": " + describe(command)
                        + "\n" + tail(log, 40));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(what + " was interrupted", e);
        }
        if (process.exitValue() != 0) {
            throw new IOException(what + " failed with exit code " + process.exitValue() + ": "
                    + describe(command) + "\n" + tail(log, 40));
        }
    }

    /** The command line for a message, with a classpath of hundreds of jars shortened. */
    private static String describe(List<String> command) {
        return String.join(" ", command.stream()
                .map(arg -> arg.length() > 200 ? arg.substring(0, 80) + "...(" + arg.length() + " chars)" : arg)
                .toList());
    }

    /** The JVM that runs the platform runs the components too: same version, no PATH surprises. */
    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Reads the classpath a runtime module wrote at build time (see platform/runtimes). */
    static String runtimeClasspath(String runtime) {
        String resource = "/io/spillway/platform/runtime/" + runtime + ".classpath";
        try (var in = ManagedProcess.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the classpath: build and install "
                        + "platform/runtimes/" + runtime + " (mvn -f platform/runtimes/" + runtime + "/pom.xml install)");
            }
            String classpath = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            Optional<String> missing = Arrays.stream(classpath.split(File.pathSeparator))
                    .filter(entry -> !Files.exists(Path.of(entry)))
                    .findFirst();
            if (missing.isPresent()) {
                throw new IllegalStateException("The " + runtime + " classpath names " + missing.get()
                        + ", which is not there; rebuild platform/runtimes/" + runtime);
            }
            return classpath;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + resource, e);
        }
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    String logTail(int lines) {
        return tail(log, lines);
    }

    /** Fails with the log tail if the process has exited: waiting longer for it to answer is pointless. */
    void checkAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with code " + process.exitValue() + "; last lines of "
                    + log + ":\n" + logTail(60));
        }
    }

    void stop() {
        stop(process.toHandle(), STOP_GRACE);
    }

    /** SIGTERM, then SIGKILL once {@code grace} has passed; returns once the process is gone. */
    static void stop(ProcessHandle handle, Duration grace) {
        if (!handle.isAlive()) {
            return;
        }
        handle.destroy();
        try {
            handle.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            handle.destroyForcibly();
        } catch (Exception e) {
            handle.destroyForcibly();
            try {
                handle.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // It got SIGKILL; nothing more we can do from here.
            }
        }
    }

    static String tail(Path file, int lines) {
        if (!Files.exists(file)) {
            return "(no " + file + ")";
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            long from = Math.max(0, length - 64 * 1024);
            byte[] bytes = new byte[(int) (length - from)];
            in.seek(from);
            in.readFully(bytes);
            List<String> all = new String(bytes, StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }
}
