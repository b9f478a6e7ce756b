package io.spillway.cli;

/**
 * The exit codes scripts can rely on; {@code spillway --help} lists them. Usage errors are picocli's {@code 2}.
 */
final class ExitCodes {

    static final int OK = 0;
    /** {@code submit --wait}: the job ended, but not with SUCCEEDED. */
    static final int JOB_UNSUCCESSFUL = 1;
    static final int USAGE = 2;
    /** The server refused the request (4xx other than 401, 403, 404): invalid, or in conflict with the state. */
    static final int REFUSED = 3;
    static final int NOT_FOUND = 4;
    static final int NOT_AUTHORIZED = 5;
    static final int UNREACHABLE = 6;
    static final int SERVER_ERROR = 7;

    private ExitCodes() {
    }

    /** The exit code of an HTTP status the API answered with. */
    static int forStatus(int status) {
        if (status == 401 || status == 403) {
            return NOT_AUTHORIZED;
        }
        if (status == 404) {
            return NOT_FOUND;
        }
        if (status >= 400 && status < 500) {
            return REFUSED;
        }
        if (status >= 200 && status < 300) {
            return OK;
        }
        // 5xx, and anything the API does not answer (1xx, 3xx): the server side is wrong.
        return SERVER_ERROR;
    }
}
