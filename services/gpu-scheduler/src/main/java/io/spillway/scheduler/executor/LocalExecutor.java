package io.spillway.scheduler.executor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.spillway.scheduler.SchedulerConfig;

/**
 * Runs a job's command as a process of this machine, in its own working directory, with its GPUs in
 * {@code CUDA_VISIBLE_DEVICES}, and its output in {@code output.log} there. The process inherits the scheduler's
 * environment (so {@code PATH} finds the command), then the job's {@code env}, then the Spillway variables, which
 * the job cannot override.
 */
// Typed to its class only: the loop's JobExecutor is chosen by ExecutorProducer, not by which beans exist.
@Typed(LocalExecutor.class)
@ApplicationScoped
public class LocalExecutor implements JobExecutor {

    private static final Logger LOG = Logger.getLogger(LocalExecutor.class);
    public static final String OUTPUT_LOG = "output.log";

    private final Path workDir;
    private final Map<String, RunningJob> running = new ConcurrentHashMap<>();
    private final ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "spillway-local-executor-kill");
        thread.setDaemon(true);
        return thread;
    });

    @Inject
    public LocalExecutor(SchedulerConfig config) {
        this(config.workDir());
        LOG.infof("Local executor runs jobs in %s/<job id>", workDir);
    }

    public LocalExecutor(Path workDir) {
        this.workDir = workDir.toAbsolutePath();
    }

    @Override
    public String name() {
        return "local";
    }

    /** The working directory of a job, where its {@code output.log} is. */
    public Path jobDir(String jobId) {
        // Job ids come from outside; keep them from naming a path elsewhere.
        return workDir.resolve(jobId.replaceAll("[^A-Za-z0-9._-]", "_"));
    }

    @Override
    public void start(Launch launch, Consumer<ProcessExit> onExit) throws ExecutorException {
        Path dir = jobDir(launch.jobId());
        Process process;
        try {
            Files.createDirectories(dir);
            ProcessBuilder builder = new ProcessBuilder(launch.command())
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(OUTPUT_LOG).toFile()));
            Map<String, String> env = builder.environment();
            env.putAll(launch.env());
            env.putAll(SpillwayEnvironment.of(launch));
            process = builder.start();
        } catch (IOException e) {
            // The cause says it plainly ("error=2, No such file or directory"); the wrapper repeats the command.
            String why = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
            throw new ExecutorException("cannot start " + launch.command().get(0) + ": " + why, e);
        }
        long startedAt = System.nanoTime();
        RunningJob job = new RunningJob(process);
        running.put(launch.jobId(), job);
        LOG.infof("Started job %s as process %d on %s GPUs [%s], log in %s", launch.jobId(), process.pid(),
                launch.node(), String.join(",", launch.gpuIds()), dir.resolve(OUTPUT_LOG));
        process.onExit().whenComplete((ended, failure) -> {
            running.remove(launch.jobId());
            long durationMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt);
            onExit.accept(new ProcessExit(launch.jobId(), process.exitValue(), durationMs, job.cancelled));
        });
    }

    @Override
    public Optional<Path> logFile(String jobId) {
        Path log = jobDir(jobId).resolve(OUTPUT_LOG);
        return Files.exists(log) ? Optional.of(log) : Optional.empty();
    }

    @Override
    public boolean isRunning(String jobId) {
        return running.containsKey(jobId);
    }

    @Override
    public boolean stop(String jobId, Duration grace) {
        RunningJob job = running.get(jobId);
        if (job == null) {
            return false;
        }
        if (!job.cancelled) {
            job.cancelled = true;
            LOG.infof("Stopping job %s (SIGTERM, SIGKILL after %s)", jobId, grace);
            terminate(job.process, false);
            killer.schedule(() -> terminate(job.process, true), grace.toMillis(), TimeUnit.MILLISECONDS);
        }
        return true;
    }

    @Override
    @PreDestroy
    public void stopAll() {
        // Jobs do not outlive the scheduler: a restarted one reports them failed, so they must really be gone.
        running.values().forEach(job -> terminate(job.process, false));
        killer.shutdownNow();
    }

    /** Signals the process and everything it started: a shell's children would otherwise keep the GPU busy. */
    private static void terminate(Process process, boolean force) {
        process.descendants().forEach(child -> {
            if (force) {
                child.destroyForcibly();
            } else {
                child.destroy();
            }
        });
        if (force) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
    }

    private static final class RunningJob {
        final Process process;
        volatile boolean cancelled;

        RunningJob(Process process) {
            this.process = process;
        }
    }
}
