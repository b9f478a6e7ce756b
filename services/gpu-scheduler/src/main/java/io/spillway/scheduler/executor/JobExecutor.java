package io.spillway.scheduler.executor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/** Runs jobs on the GPUs the scheduler gave them: local processes now, Kubernetes pods later. */
public interface JobExecutor {

    /** The name reported in {@code JobStarted.executor}. */
    String name();

    /**
     * Starts a job; {@code onExit} is called once, from another thread, when it ends.
     *
     * @throws ExecutorException when the job cannot start, e.g. its command does not exist
     */
    void start(Launch launch, Consumer<ProcessExit> onExit) throws ExecutorException;

    /** Whether this executor runs the job now. */
    boolean isRunning(String jobId);

    /**
     * Asks a running job to stop, and forces it after {@code grace}; its exit is then reported as cancelled.
     *
     * @return {@code false} when the job does not run here
     */
    boolean stop(String jobId, Duration grace);

    /**
     * Where the job's output (stdout and stderr) is written while it runs and kept after it ends; empty when this
     * executor has never run the job.
     */
    Optional<Path> logFile(String jobId);

    /**
     * Re-attaches to the workers of a job that a previous scheduler process started and did not see end (it was
     * killed), so that their end reaches {@code onExit} like any other.
     *
     * @return the workers found: running now, or ended with a known exit code (reported to {@code onExit} soon)
     */
    default Set<Integer> adopt(String jobId, int workers, Consumer<ProcessExit> onExit) {
        return Set.of();
    }

    /** Stops every job at once, when the scheduler itself shuts down. */
    void stopAll();

    /**
     * Lets go of every job without stopping any, when this scheduler instance is no longer its site's leader: their
     * ends are no longer reported here, {@link #stopAll()} leaves them alone, and the next leader adopts them.
     */
    void release();
}
