package io.spillway.cli;

import java.util.List;

/** The API answered with an error status; carries the status so a command can explain it in its own terms. */
final class ApiException extends CliException {

    private final int status;
    private final String serverMessage;

    ApiException(int status, String message, String serverMessage, List<String> details) {
        super(ExitCodes.forStatus(status), message, details, null);
        this.status = status;
        this.serverMessage = serverMessage;
    }

    int status() {
        return status;
    }

    /** The {@code error} of the API's error body, or its raw text. */
    String serverMessage() {
        return serverMessage;
    }
}
