package io.spillway.scheduler.executor;

/**
 * How a job's process ended.
 *
 * @param worker the worker of the job that ended (0 for a single-worker job)
 * @param cancelled whether it ended because it was stopped on request, whatever its exit code
 */
public record ProcessExit(String jobId, int worker, int exitCode, long durationMs, boolean cancelled) {
}
