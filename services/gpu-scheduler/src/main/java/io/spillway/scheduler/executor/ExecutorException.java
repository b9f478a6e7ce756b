package io.spillway.scheduler.executor;

/** A job that an executor could not start; the message says why in words the job's owner can act on. */
public class ExecutorException extends Exception {

    public ExecutorException(String message) {
        super(message);
    }

    public ExecutorException(String message, Throwable cause) {
        super(message, cause);
    }
}
