package io.spillway.scheduler.executor;

/**
 * How a job's process ended.
 *
 * @param cancelled whether it ended because it was stopped on request, whatever its exit code
 */
public record ProcessExit(String jobId, int exitCode, long durationMs, boolean cancelled) {
}
