package io.spillway.cli;

import java.io.PrintWriter;
import java.util.List;

/** A failure the CLI reports as a message (and detail lines) on stderr and an exit code from {@link ExitCodes}. */
class CliException extends RuntimeException {

    private final int exitCode;
    private final List<String> details;

    CliException(int exitCode, String message) {
        this(exitCode, message, List.of(), null);
    }

    CliException(int exitCode, String message, List<String> details, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
        this.details = List.copyOf(details);
    }

    int exitCode() {
        return exitCode;
    }

    /** Lines printed under the message, e.g. one per violated field. */
    List<String> details() {
        return details;
    }

    /** Prints the message and its details on {@code err}; returns the exit code to end with. */
    int reportTo(PrintWriter err) {
        err.println(getMessage());
        details.forEach(err::println);
        err.flush();
        return exitCode;
    }
}
