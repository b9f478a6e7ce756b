package io.spillway.scheduler.executor.kubernetes;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.spillway.kit.ServiceIdentity;
import io.spillway.scheduler.config.SchedulerConfig;
import io.spillway.scheduler.executor.ExecutorException;
import io.spillway.scheduler.executor.JobExecutor;
import io.spillway.scheduler.executor.Launch;
import io.spillway.scheduler.executor.ProcessExit;

/**
 * Runs each worker of a job as a pod bound to the node the scheduler chose (see {@link WorkerPods}), and follows the
 * site's pods with an informer: a pod that succeeds or fails, or disappears, ends its worker.
 *
 * <p>
 * Pods outlive the scheduler: {@link #stopAll()} leaves them running (see there). Logs stay with the pod; reading
 * them through the pod log API is a later issue, so {@link #logFile} is always empty.
 */
// Typed to its class only: the loop's JobExecutor is chosen by ExecutorProducer, not by which beans exist.
@Typed(KubernetesExecutor.class)
@ApplicationScoped
public class KubernetesExecutor implements JobExecutor {

    private static final Logger LOG = Logger.getLogger(KubernetesExecutor.class);
    /** The exit code of a pod that failed before its container reported one (evicted, rejected by the kubelet). */
    public static final int FAILED_WITHOUT_EXIT_CODE = 1;
    /** The exit code of a pod deleted before its container reported one: it was killed, as SIGKILL reports. */
    public static final int DELETED_WITHOUT_EXIT_CODE = 137;
    private static final String JOB_INDEX = "job";
    private static final Duration INFORMER_START = Duration.ofSeconds(30);

    private final KubernetesClient client;
    private final String namespace;
    private final String site;
    private final WorkerPods pods;
    /** The workers this process started whose end is not reported yet, by pod name. */
    private final Map<String, Worker> workers = new ConcurrentHashMap<>();
    private SharedIndexInformer<Pod> informer;

    @Inject
    public KubernetesExecutor(KubernetesClient client, SchedulerConfig config, ServiceIdentity identity) {
        this(client, config.kubernetes().namespace().orElse(null), identity.site(), config.kubernetes().claimPrefix());
    }

    /**
     * @param namespace where the pods run; {@code null} means the client's own namespace
     */
    public KubernetesExecutor(KubernetesClient client, String namespace, String site, String claimPrefix) {
        this.client = client;
        this.namespace = namespace != null ? namespace : Objects.requireNonNullElse(client.getNamespace(), "default");
        this.site = site;
        this.pods = new WorkerPods(claimPrefix);
        LOG.infof("Kubernetes executor runs jobs as pods in namespace %s of %s", this.namespace,
                client.getMasterUrl());
    }

    @Override
    public String name() {
        return "kubernetes";
    }

    public String namespace() {
        return namespace;
    }

    @Override
    public void start(Launch launch, Consumer<ProcessExit> onExit) throws ExecutorException {
        Pod pod = pods.pod(launch, namespace);
        String name = pod.getMetadata().getName();
        watchPods();
        // Known before it exists, so an informer event that arrives before create() returns is not missed.
        workers.put(name, new Worker(launch.jobId(), launch.worker(), onExit, System.nanoTime()));
        try {
            client.pods().inNamespace(namespace).resource(pod).create();
        } catch (KubernetesClientException e) {
            workers.remove(name);
            throw new ExecutorException("cannot create pod " + name + " in namespace " + namespace + ": "
                    + reason(e), e);
        }
        LOG.infof("Started worker %d of %d of job %s as pod %s/%s on node %s, GPUs [%s]", launch.worker(),
                launch.workers(), launch.jobId(), namespace, name, launch.node(), String.join(",", launch.gpuIds()));
    }

    /**
     * Pods outlive the scheduler: after a restart, the workers of a job whose pods still exist are followed again
     * (a pod that ended meanwhile reports its exit code now), so the job neither runs twice nor loses its GPUs.
     */
    @Override
    public Set<Integer> adopt(String jobId, int count, Consumer<ProcessExit> onExit) {
        Set<Integer> found = new HashSet<>();
        try {
            watchPods();
        } catch (ExecutorException e) {
            LOG.warnf("Cannot adopt the pods of job %s: %s", jobId, e.getMessage());
            return found;
        }
        for (int worker = 0; worker < count; worker++) {
            String name = PodNames.pod(jobId, worker);
            Pod pod = client.pods().inNamespace(namespace).withName(name).get();
            if (pod == null) {
                continue;
            }
            workers.put(name, new Worker(jobId, worker, onExit, System.nanoTime()));
            found.add(worker);
            LOG.infof("Adopted pod %s/%s of job %s worker %d", namespace, name, jobId, worker);
            if (ended(pod)) {
                seen(pod);
            }
        }
        return found;
    }

    @Override
    public boolean isRunning(String jobId) {
        if (workers.values().stream().anyMatch(worker -> worker.jobId.equals(jobId))) {
            return true;
        }
        return livePods(jobId);
    }

    /** Whether the informer knows a pod of the job that has not ended; false before it has started. */
    private boolean livePods(String jobId) {
        SharedIndexInformer<Pod> watching = watching();
        return watching != null && watching.getIndexer().byIndex(JOB_INDEX, PodNames.labelValue(jobId)).stream()
                .anyMatch(pod -> !ended(pod));
    }

    /**
     * Deletes the job's pods with {@code grace} as their termination grace period (the kubelet sends SIGTERM, then
     * SIGKILL after it); each worker this process started then reports its end as cancelled, once its pod is gone.
     */
    @Override
    public boolean stop(String jobId, Duration grace) {
        List<Worker> running = workers.values().stream().filter(worker -> worker.jobId.equals(jobId))
                .toList();
        running.forEach(worker -> worker.cancelled = true);
        // Pods of the job that this process did not start (a previous one did) are deleted too, but nothing here
        // will report their end, so the loop is told the job does not run here.
        boolean strays = running.isEmpty() && livePods(jobId);
        if (strays || running.stream().anyMatch(worker -> !worker.deleteAsked)) {
            // Kubernetes takes 0 as "force": the pod would vanish from the API while its container may still run.
            long seconds = Math.max(1, (grace.toMillis() + 999) / 1000);
            try {
                client.pods().inNamespace(namespace).withLabels(WorkerPods.jobPods(site, jobId))
                        .withGracePeriod(seconds).delete();
                running.forEach(worker -> worker.deleteAsked = true);
                LOG.infof("Deleting the pods of job %s (grace period %ds)", jobId, seconds);
            } catch (KubernetesClientException e) {
                // The loop asks again on its next pass while the job is still being cancelled.
                LOG.warnf("Cannot delete the pods of job %s yet: %s", jobId, reason(e));
            }
        }
        return !running.isEmpty();
    }

    @Override
    public Optional<Path> logFile(String jobId) {
        return Optional.empty();
    }

    /**
     * Stops following pods, and leaves them running. A pod is the job, not a child of this process: deleting every pod
     * whenever the scheduler restarts (an upgrade, a moved pod of the scheduler itself) would kill every job of the
     * site. The next scheduler adopts them by name after its restart ({@code adopt}).
     */
    @Override
    public synchronized void stopAll() {
        if (informer != null) {
            informer.stop();
            informer = null;
        }
    }

    /**
     * Forgets every pod without deleting any: the scheduler instance that takes the lease adopts them by name. The
     * informer goes on (a later adoption by this instance needs it); pods nobody here follows are ignored.
     */
    @Override
    public void release() {
        workers.clear();
    }

    /** Starts the informer on first use, so a scheduler that never runs a job never calls the cluster. */
    private synchronized void watchPods() throws ExecutorException {
        if (informer != null) {
            return;
        }
        SharedIndexInformer<Pod> starting = client.pods().inNamespace(namespace).withLabels(WorkerPods.sitePods(site))
                .runnableInformer(0);
        starting.addIndexers(Map.of(JOB_INDEX, pod -> {
            String jobId = pod.getMetadata().getLabels().get(WorkerPods.JOB_ID);
            return jobId == null ? List.of() : List.of(jobId);
        }));
        starting.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                seen(pod);
            }

            @Override
            public void onUpdate(Pod before, Pod pod) {
                seen(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                gone(pod);
            }
        });
        try {
            starting.start().toCompletableFuture().get(INFORMER_START.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            starting.stop();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new ExecutorException("cannot watch the pods in namespace " + namespace + ": "
                    + (cause instanceof KubernetesClientException k ? reason(k) : String.valueOf(cause)), cause);
        } catch (InterruptedException e) {
            starting.stop();
            Thread.currentThread().interrupt();
            throw new ExecutorException("interrupted while starting to watch pods", e);
        }
        informer = starting;
    }

    private synchronized SharedIndexInformer<Pod> watching() {
        return informer;
    }

    /** A worker whose pod succeeded or failed has ended; one that is being deleted ends when its pod is gone. */
    private void seen(Pod pod) {
        Worker worker = workers.get(pod.getMetadata().getName());
        if (worker == null || worker.cancelled || !ended(pod)) {
            return;
        }
        boolean succeeded = "Succeeded".equals(pod.getStatus().getPhase());
        Integer exitCode = exitCode(pod);
        if (exitCode == null && !succeeded) {
            LOG.warnf("Pod %s of job %s failed without an exit code (reason %s, %s); reporting %d",
                    pod.getMetadata().getName(), worker.jobId,
                    Objects.requireNonNullElse(pod.getStatus().getReason(), "none given"),
                    Objects.requireNonNullElse(pod.getStatus().getMessage(), "no message"), FAILED_WITHOUT_EXIT_CODE);
        }
        report(pod, worker, exitCode != null ? exitCode : succeeded ? 0 : FAILED_WITHOUT_EXIT_CODE);
    }

    /**
     * A deleted pod ends its worker: cancelled when {@link #stop} deleted it, and reported only now, so a job started
     * again after preemption never meets its old pod's name. Deleted by someone else, it ends the worker as failed.
     */
    private void gone(Pod pod) {
        Worker worker = workers.get(pod.getMetadata().getName());
        if (worker == null) {
            return;
        }
        Integer exitCode = exitCode(pod);
        if (!worker.cancelled) {
            LOG.warnf("Pod %s of job %s was deleted outside Spillway before it ended", pod.getMetadata().getName(),
                    worker.jobId);
        }
        report(pod, worker, exitCode != null ? exitCode : DELETED_WITHOUT_EXIT_CODE);
    }

    private void report(Pod pod, Worker worker, int exitCode) {
        if (!worker.reported.compareAndSet(false, true)) {
            return;
        }
        workers.remove(pod.getMetadata().getName(), worker);
        long durationMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - worker.startedAt);
        worker.onExit.accept(new ProcessExit(worker.jobId, worker.index, exitCode, durationMs, worker.cancelled));
    }

    static boolean ended(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    /** The exit code of the job's container, once it has terminated. */
    static Integer exitCode(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return null;
        }
        return pod.getStatus().getContainerStatuses().stream()
                .filter(status -> WorkerPods.CONTAINER.equals(status.getName()))
                .map(ContainerStatus::getState)
                .filter(state -> state != null && state.getTerminated() != null)
                .map(state -> state.getTerminated())
                .map(ContainerStateTerminated::getExitCode)
                .filter(Objects::nonNull)
                .findFirst().orElse(null);
    }

    private static String reason(KubernetesClientException e) {
        return e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                : e.getMessage();
    }

    /** A worker this process started, until its end is reported. */
    private static final class Worker {
        final String jobId;
        final int index;
        final Consumer<ProcessExit> onExit;
        final long startedAt;
        final AtomicBoolean reported = new AtomicBoolean();
        volatile boolean cancelled;
        volatile boolean deleteAsked;

        Worker(String jobId, int index, Consumer<ProcessExit> onExit, long startedAt) {
            this.jobId = jobId;
            this.index = index;
            this.onExit = onExit;
            this.startedAt = startedAt;
        }
    }
}
