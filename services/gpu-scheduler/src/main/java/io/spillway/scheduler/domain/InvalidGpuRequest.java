package io.spillway.scheduler.domain;

/** A job's GPU request that no site could ever satisfy as written; the message says what to change. */
public class InvalidGpuRequest extends RuntimeException {

    public InvalidGpuRequest(String message) {
        super(message);
    }
}
