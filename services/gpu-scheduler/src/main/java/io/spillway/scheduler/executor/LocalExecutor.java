package io.spillway.scheduler.executor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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

import io.spillway.scheduler.config.SchedulerConfig;
import io.spillway.schemas.VolumeMount;

/**
 * Runs each worker of a job as a process of this machine, in the job's working directory, with its GPUs in
 * {@code CUDA_VISIBLE_DEVICES}, and its output in {@code output.log} there ({@code output-worker<n>.log} for the
 * other workers of a gang). The process inherits the scheduler's environment (so {@code PATH} finds the command),
 * then the job's {@code env}, then the Spillway variables, which the job cannot override.
 *
 * <p>
 * Volumes: each volume {@code fs[/subpath]:/mnt} appears in the working directory as {@code mnt}, a link to the
 * directory the storage-agent granted (or, without a storage-agent, to {@code <filesystem-root>/fs/subpath}), and in
 * {@code SPILLWAY_VOLUMES}. A local process cannot be
 * given a real mount without privileges, so {@code :ro} is not enforced here; the Kubernetes executor mounts.
 */
// Typed to its class only: the loop's JobExecutor is chosen by ExecutorProducer, not by which beans exist.
@Typed(LocalExecutor.class)
@ApplicationScoped
public class LocalExecutor implements JobExecutor {

    private static final Logger LOG = Logger.getLogger(LocalExecutor.class);
    public static final String OUTPUT_LOG = "output.log";

    private final Path workDir;
    private final Optional<Path> filesystemRoot;
    /** Running workers by job id, then worker index. */
    private final Map<String, Map<Integer, RunningWorker>> running = new ConcurrentHashMap<>();
    private final ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "spillway-local-executor-kill");
        thread.setDaemon(true);
        return thread;
    });

    @Inject
    public LocalExecutor(SchedulerConfig config) {
        this(config.workDir(), config.filesystemRoot());
        LOG.infof("Local executor runs jobs in %s/<job id>%s", workDir,
                filesystemRoot.map(root -> ", volumes from " + root).orElse(""));
    }

    public LocalExecutor(Path workDir) {
        this(workDir, Optional.empty());
    }

    public LocalExecutor(Path workDir, Optional<Path> filesystemRoot) {
        this.workDir = workDir.toAbsolutePath();
        this.filesystemRoot = filesystemRoot.map(Path::toAbsolutePath);
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
        Path log = dir.resolve(launch.worker() == 0 ? OUTPUT_LOG : "output-worker" + launch.worker() + ".log");
        Process process;
        try {
            Files.createDirectories(dir);
            List<String> volumes = linkVolumes(dir, launch);
            requireRunnable(launch.command().get(0));
            Files.deleteIfExists(exitFile(dir, launch.worker()));
            List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", WRAPPER,
                    marker(launch.jobId(), launch.worker())));
            command.addAll(launch.command());
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            Map<String, String> env = builder.environment();
            env.putAll(launch.env());
            env.putAll(SpillwayEnvironment.of(launch));
            env.put("SPILLWAY_VOLUMES", String.join(";", volumes));
            env.put("SPILLWAY_PID_FILE", pidFile(dir, launch.worker()).toString());
            env.put("SPILLWAY_EXIT_FILE", exitFile(dir, launch.worker()).toString());
            process = builder.start();
        } catch (IOException e) {
            // The cause says it plainly ("error=2, No such file or directory"); the wrapper repeats the command.
            String why = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
            throw new ExecutorException("cannot start " + launch.command().get(0) + ": " + why, e);
        }
        LOG.infof("Started job %s worker %d as process %d on %s GPUs [%s], log in %s", launch.jobId(),
                launch.worker(), process.pid(), launch.node(), String.join(",", launch.gpuIds()), log);
        follow(launch.jobId(), launch.worker(), process.toHandle(), dir, onExit);
    }

    @Override
    public Set<Integer> adopt(String jobId, int workers, Consumer<ProcessExit> onExit) {
        Path dir = jobDir(jobId);
        Set<Integer> found = new HashSet<>();
        for (int worker = 0; worker < workers; worker++) {
            String marker = marker(jobId, worker);
            Optional<ProcessHandle> alive = readPid(pidFile(dir, worker)).flatMap(ProcessHandle::of)
                    .filter(ProcessHandle::isAlive)
                    .filter(handle -> handle.info().arguments().map(List::of)
                            .map(arguments -> arguments.contains(marker)).orElse(false));
            if (alive.isPresent()) {
                LOG.infof("Adopted job %s worker %d, still running as process %d", jobId, worker, alive.get().pid());
                follow(jobId, worker, alive.get(), dir, onExit);
                found.add(worker);
            } else if (Files.exists(exitFile(dir, worker))) {
                int code = exitCode(dir, worker);
                int ended = worker;
                LOG.infof("Job %s worker %d ended with code %d while the scheduler was down", jobId, worker, code);
                CompletableFuture.runAsync(() -> onExit.accept(new ProcessExit(jobId, ended, code, 0, false)));
                found.add(worker);
            }
        }
        return found;
    }

    /** Reports the worker's end, with the exit code its wrapper wrote (137, as for SIGKILL, when it wrote none). */
    private void follow(String jobId, int worker, ProcessHandle process, Path dir, Consumer<ProcessExit> onExit) {
        long startedAt = System.nanoTime();
        RunningWorker running = new RunningWorker(process);
        this.running.computeIfAbsent(jobId, id -> new ConcurrentHashMap<>()).put(worker, running);
        process.onExit().whenComplete((ended, failure) -> {
            boolean[] followed = { false };
            this.running.computeIfPresent(jobId, (id, workers) -> {
                followed[0] = workers.remove(worker, running);
                return workers.isEmpty() ? null : workers;
            });
            if (!followed[0]) {
                return; // released to another scheduler instance, or followed again by a later adoption
            }
            long durationMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt);
            onExit.accept(new ProcessExit(jobId, worker, exitCode(dir, worker), durationMs, running.cancelled));
        });
    }

    /**
     * The job's command runs under a small shell that records its own pid first and the command's exit code last,
     * in the job's directory: a scheduler killed with {@code kill -9} finds both after a restart, re-adopts the
     * workers still running (its marker in the shell's arguments tells them from a reused pid) and learns how the
     * others ended, so no job runs twice and none is lost.
     */
    private static final String WRAPPER = "echo $$ > \"$SPILLWAY_PID_FILE\"; \"$@\"; code=$?;"
            + " echo $code > \"$SPILLWAY_EXIT_FILE\"; exit $code";

    private static String marker(String jobId, int worker) {
        return "spillway-job:" + jobId + ":" + worker;
    }

    private static Path pidFile(Path dir, int worker) {
        return dir.resolve("worker-" + worker + ".pid");
    }

    private static Path exitFile(Path dir, int worker) {
        return dir.resolve("worker-" + worker + ".exit");
    }

    private static Optional<Long> readPid(Path file) {
        try {
            return Optional.of(Long.parseLong(Files.readString(file).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static int exitCode(Path dir, int worker) {
        try {
            return Integer.parseInt(Files.readString(exitFile(dir, worker)).trim());
        } catch (IOException | NumberFormatException e) {
            return 137;
        }
    }

    /** A command that is not there fails the start, as the process would, with the reason the OS would give. */
    private static void requireRunnable(String program) throws ExecutorException {
        if (program.contains("/")) {
            if (!Files.isExecutable(Path.of(program))) {
                throw new ExecutorException("cannot start " + program + ": No such file or directory");
            }
            return;
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return;
            }
        }
        throw new ExecutorException("cannot start " + program + ": No such file or directory");
    }

    /**
     * Links each volume into the working directory: to the directory the storage-agent granted, or, without one, to
     * {@code <filesystem-root>/<fs>/<subpath>}; returns the {@code mountPath=hostPath} pairs for the job's env.
     */
    private List<String> linkVolumes(Path dir, Launch launch) throws ExecutorException, IOException {
        List<String> pairs = new ArrayList<>();
        List<VolumeMount> volumes = launch.volumes();
        for (int index = 0; index < volumes.size(); index++) {
            VolumeMount volume = volumes.get(index);
            Optional<MountedVolume> granted = launch.grantOf(index);
            Path target = granted.isPresent() ? Path.of(granted.get().hostPath()) : underFilesystemRoot(volume);
            Files.createDirectories(target);
            Path link = dir.resolve(volume.mountPath().replaceFirst("^/+", "")).normalize();
            if (!link.startsWith(dir)) {
                throw new ExecutorException("mount path " + volume.mountPath() + " leaves the job's directory");
            }
            Files.createDirectories(link.getParent());
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, target);
            pairs.add(volume.mountPath() + "=" + target);
        }
        return pairs;
    }

    private Path underFilesystemRoot(VolumeMount volume) throws ExecutorException {
        if (filesystemRoot.isEmpty()) {
            throw new ExecutorException("the job mounts volumes, and this scheduler has neither a storage-agent"
                    + " (spillway.scheduler.storage-url) nor a filesystem root (spillway.scheduler.filesystem-root)");
        }
        Path filesystem = filesystemRoot.get().resolve(volume.filesystem()).normalize();
        Path target = volume.subPath() == null ? filesystem : filesystem.resolve(volume.subPath()).normalize();
        if (!Files.isDirectory(filesystem)) {
            throw new ExecutorException("filesystem " + volume.filesystem() + " does not exist at this site");
        }
        if (!target.startsWith(filesystem)) {
            throw new ExecutorException("volume " + volume.filesystem() + "/" + volume.subPath()
                    + " leaves its filesystem");
        }
        return target;
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
        Map<Integer, RunningWorker> workers = running.get(jobId);
        if (workers == null) {
            return false;
        }
        for (RunningWorker worker : workers.values()) {
            if (!worker.cancelled) {
                worker.cancelled = true;
                LOG.infof("Stopping job %s (SIGTERM, SIGKILL after %s)", jobId, grace);
                terminate(worker.process, false);
                killer.schedule(() -> terminate(worker.process, true), grace.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        return true;
    }

    @Override
    @PreDestroy
    public void stopAll() {
        // Jobs do not outlive the scheduler: a restarted one reports them failed, so they must really be gone.
        running.values().forEach(workers -> workers.values().forEach(worker -> terminate(worker.process, false)));
        killer.shutdownNow();
    }

    /**
     * Forgets every process without a signal: the standby that takes the lease runs on the same machine and adopts
     * them by their pid files, so they must neither be stopped by this instance's shutdown nor reported by it.
     */
    @Override
    public void release() {
        running.clear();
    }

    /** Signals the process and everything it started: a shell's children would otherwise keep the GPU busy. */
    private static void terminate(ProcessHandle process, boolean force) {
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

    private static final class RunningWorker {
        final ProcessHandle process;
        volatile boolean cancelled;

        RunningWorker(ProcessHandle process) {
            this.process = process;
        }
    }
}
