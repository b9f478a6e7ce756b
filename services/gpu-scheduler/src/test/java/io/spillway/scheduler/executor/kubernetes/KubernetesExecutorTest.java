package io.spillway.scheduler.executor.kubernetes;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.spillway.scheduler.KubernetesRequestLog;
import io.spillway.scheduler.executor.ExecutorException;
import io.spillway.scheduler.executor.Launch;
import io.spillway.scheduler.executor.MountedVolume;
import io.spillway.scheduler.executor.ProcessExit;
import io.spillway.schemas.VolumeMount;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kubernetes executor against fabric8's mock API server in CRUD mode. Nothing runs the pods there, so each test
 * moves a pod through its phases itself, as the kubelet would, through {@link #cluster}: the executor's own requests
 * are the only ones that go through {@link #client}, and {@link KubernetesRequestLog} records them for the Role.
 */
@EnableKubernetesMockClient(crud = true)
@ExtendWith(KubernetesRequestLog.class)
class KubernetesExecutorTest {

    static final String NAMESPACE = "gpu-jobs";
    static final Duration WAIT = Duration.ofSeconds(10);

    KubernetesMockServer server;
    /** The executor's client. */
    KubernetesClient client;
    /** The test's own client, as the kubelet and an administrator. */
    KubernetesClient cluster;
    KubernetesExecutor executor;

    @BeforeEach
    void newExecutor() {
        cluster = KubernetesRequestLog.fixtureClient(server);
        executor = new KubernetesExecutor(client, NAMESPACE, "onprem", "spillway-fs-");
    }

    @AfterEach
    void stopWatching() {
        executor.stopAll();
        cluster.close();
    }

    @Test
    void createsAPodBoundToTheChosenNodeWithItsGpusEnvironmentAndClaims() throws Exception {
        Launch launch = new Launch("job-1", 0, 1, "onprem", "gpu-node-2", "registry.example/train:1.4",
                List.of("python", "train.py"), Map.of("EPOCHS", "3", "CUDA_VISIBLE_DEVICES", "0,1,2,3"),
                List.of("1", "3"), 0.5, 20480,
                List.of(new VolumeMount("datasets", "imagenet", "/data", true),
                        new VolumeMount("datasets", "cache", "/cache", false),
                        new VolumeMount("home", null, "/home/alice", false)));

        executor.start(launch, exit -> {
        });

        Pod pod = cluster.pods().inNamespace(NAMESPACE).withName("spillway-job-1-0").get();
        assertNotNull(pod, "the worker's pod");
        assertEquals(Map.of("app.kubernetes.io/managed-by", "spillway", "spillway.io/job-id", "job-1",
                "spillway.io/worker", "0", "spillway.io/site", "onprem"), pod.getMetadata().getLabels());
        assertEquals("gpu-node-2", pod.getSpec().getNodeName());
        assertEquals("Never", pod.getSpec().getRestartPolicy());
        Container container = pod.getSpec().getContainers().get(0);
        assertEquals("registry.example/train:1.4", container.getImage());
        assertEquals(List.of("python", "train.py"), container.getCommand());
        assertEquals(Map.of("EPOCHS", "3", "CUDA_VISIBLE_DEVICES", "1,3", "NVIDIA_VISIBLE_DEVICES", "1,3",
                "SPILLWAY_GPU_FRACTION", "0.5", "SPILLWAY_GPU_MEMORY_MIB", "20480", "SPILLWAY_JOB_ID", "job-1",
                "SPILLWAY_SITE", "onprem", "SPILLWAY_WORKER", "0", "SPILLWAY_WORKERS", "1"), env(container));
        assertFalse(container.getResources() != null
                && (container.getResources().getLimits().containsKey("nvidia.com/gpu")
                        || container.getResources().getRequests().containsKey("nvidia.com/gpu")),
                "the scheduler, not the device plugin, chooses the GPUs: no nvidia.com/gpu is requested");

        assertEquals(Map.of("fs-datasets", "spillway-fs-datasets", "fs-home", "spillway-fs-home"),
                pod.getSpec().getVolumes().stream().collect(Collectors.toMap(Volume::getName,
                        volume -> volume.getPersistentVolumeClaim().getClaimName())));
        assertEquals(List.of("fs-datasets imagenet /data ro", "fs-datasets cache /cache rw",
                "fs-home null /home/alice rw"),
                container.getVolumeMounts().stream().map(mount -> mount.getName() + " " + mount.getSubPath() + " "
                        + mount.getMountPath() + " " + (mount.getReadOnly() ? "ro" : "rw")).toList());
    }

    @Test
    void mountsTheClaimTheStorageAgentGrantedInsteadOfTheClaimPrefixRule() throws Exception {
        VolumeMount data = new VolumeMount("datasets", "imagenet", "/data", true);
        Launch launch = new Launch("job-granted", 0, 1, "onprem", "gpu-node-1", "img", List.of("run"), Map.of(),
                List.of("0"), 1.0, null, List.of(data),
                List.of(new MountedVolume(data, "/srv/fs/datasets/imagenet", "lustre-datasets")));

        executor.start(launch, exit -> {
        });

        Pod pod = cluster.pods().inNamespace(NAMESPACE).withName("spillway-job-granted-0").get();
        assertEquals(Map.of("fs-datasets", "lustre-datasets"), pod.getSpec().getVolumes().stream()
                .collect(Collectors.toMap(Volume::getName, volume -> volume.getPersistentVolumeClaim().getClaimName())));
        io.fabric8.kubernetes.api.model.VolumeMount mounted = pod.getSpec().getContainers().get(0).getVolumeMounts()
                .get(0);
        assertEquals("imagenet", mounted.getSubPath());
        assertTrue(mounted.getReadOnly());
    }

    @Test
    void aRestartedSchedulerAdoptsThePodsThatOutlivedItAndHearsHowTheyEnd() throws Exception {
        executor.start(launch("job-kept", 0, 2), exit -> {
        });
        executor.start(launch("job-kept", 1, 2), exit -> {
        });
        setPhase("spillway-job-kept-0", "Running", null);
        executor.stopAll(); // the scheduler goes; its pods stay

        KubernetesExecutor restarted = new KubernetesExecutor(client, NAMESPACE, "onprem", "spillway-fs-");
        try {
            List<ProcessExit> exits = new java.util.concurrent.CopyOnWriteArrayList<>();
            assertEquals(java.util.Set.of(0, 1), restarted.adopt("job-kept", 2, exits::add));
            assertEquals(java.util.Set.of(), restarted.adopt("job-never-started", 1, exits::add));

            setPhase("spillway-job-kept-0", "Succeeded", 0);
            setPhase("spillway-job-kept-1", "Failed", 4);

            await().atMost(WAIT).until(() -> exits.size() == 2);
            assertEquals(java.util.Set.of(0, 4), exits.stream().map(ProcessExit::exitCode)
                    .collect(Collectors.toSet()));
        } finally {
            restarted.stopAll();
        }
    }

    @Test
    void reportsExitCodeZeroOnceThePodHasRunAndSucceeded() throws Exception {
        CompletableFuture<ProcessExit> exit = new CompletableFuture<>();
        executor.start(launch("job-ok", 0, 1), exit::complete);
        assertTrue(executor.isRunning("job-ok"));

        setPhase("spillway-job-ok-0", "Running", null);
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> !exit.isDone());
        assertTrue(executor.isRunning("job-ok"));

        setPhase("spillway-job-ok-0", "Succeeded", 0);

        ProcessExit ended = exit.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(new ProcessExit("job-ok", 0, 0, ended.durationMs(), false), ended);
        assertFalse(executor.isRunning("job-ok"));
    }

    @Test
    void reportsTheContainersExitCodeWhenThePodFails() throws Exception {
        CompletableFuture<ProcessExit> exit = new CompletableFuture<>();
        executor.start(launch("job-bad", 0, 1), exit::complete);
        setPhase("spillway-job-bad-0", "Running", null);

        setPhase("spillway-job-bad-0", "Failed", 3);

        ProcessExit ended = exit.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(3, ended.exitCode());
        assertFalse(ended.cancelled());
    }

    @Test
    void reportsExitCodeOneWhenThePodFailsWithoutAContainerExitCode() throws Exception {
        CompletableFuture<ProcessExit> exit = new CompletableFuture<>();
        executor.start(launch("job-evicted", 0, 1), exit::complete);

        setPhase("spillway-job-evicted-0", "Failed", null);

        assertEquals(KubernetesExecutor.FAILED_WITHOUT_EXIT_CODE, exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)
                .exitCode());
    }

    @Test
    void stopDeletesEveryPodOfTheJobAndReportsEachWorkerCancelled() throws Exception {
        CompletableFuture<ProcessExit> first = new CompletableFuture<>();
        CompletableFuture<ProcessExit> second = new CompletableFuture<>();
        executor.start(launch("job-stop", 0, 2), first::complete);
        executor.start(launch("job-stop", 1, 2), second::complete);
        CompletableFuture<ProcessExit> other = new CompletableFuture<>();
        executor.start(launch("job-other", 0, 1), other::complete);
        setPhase("spillway-job-stop-0", "Running", null);
        setPhase("spillway-job-stop-1", "Running", null);

        assertTrue(executor.stop("job-stop", Duration.ofSeconds(5)));

        assertTrue(first.get(WAIT.toSeconds(), TimeUnit.SECONDS).cancelled());
        assertTrue(second.get(WAIT.toSeconds(), TimeUnit.SECONDS).cancelled());
        assertEquals(List.of("spillway-job-other-0"), podNames());
        assertFalse(executor.isRunning("job-stop"));
        assertTrue(executor.isRunning("job-other"));
        assertFalse(other.isDone());
        assertFalse(executor.stop("job-stop", Duration.ofSeconds(5)), "nothing of the job runs any more");
    }

    @Test
    void reportsAStoppedWorkerOnlyOnceItsPodIsGoneSoARestartedJobNeverMeetsItsOldPod() throws Exception {
        CompletableFuture<ProcessExit> exit = new CompletableFuture<>();
        executor.start(launch("job-preempted", 0, 1), exit::complete);
        // A finalizer holds the pod in the API after its deletion, as a kubelet does while the container stops.
        cluster.pods().inNamespace(NAMESPACE).withName("spillway-job-preempted-0")
                .edit(pod -> new PodBuilder(pod).editMetadata().addToFinalizers("example.com/hold").endMetadata()
                        .build());
        setPhase("spillway-job-preempted-0", "Running", null);

        assertTrue(executor.stop("job-preempted", Duration.ofSeconds(30)));
        await().atMost(WAIT).until(() -> cluster.pods().inNamespace(NAMESPACE).withName("spillway-job-preempted-0")
                .get().getMetadata().getDeletionTimestamp() != null);
        setPhase("spillway-job-preempted-0", "Failed", 143);
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> !exit.isDone());

        cluster.pods().inNamespace(NAMESPACE).withName("spillway-job-preempted-0")
                .edit(pod -> new PodBuilder(pod).editMetadata().withFinalizers().endMetadata().build());

        ProcessExit ended = exit.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(143, ended.exitCode(), "SIGTERM");
        assertTrue(ended.cancelled());
    }

    @Test
    void startsOnePodPerWorkerOfAGangEachOnItsNode() throws Exception {
        executor.start(new Launch("job-gang", 0, 2, "onprem", "node-a", "img", List.of("run"), Map.of(),
                List.of("0", "1"), 1.0, null, List.of()), exit -> {
                });
        executor.start(new Launch("job-gang", 1, 2, "onprem", "node-b", "img", List.of("run"), Map.of(),
                List.of("2", "3"), 1.0, null, List.of()), exit -> {
                });

        List<Pod> pods = cluster.pods().inNamespace(NAMESPACE).withLabel("spillway.io/job-id", "job-gang").list()
                .getItems();
        assertEquals(
                List.of("spillway-job-gang-0 node-a worker=0/2 gpus=0,1",
                        "spillway-job-gang-1 node-b worker=1/2 gpus=2,3"),
                pods.stream().map(pod -> {
                    Map<String, String> env = env(pod.getSpec().getContainers().get(0));
                    return pod.getMetadata().getName() + " " + pod.getSpec().getNodeName() + " worker="
                            + env.get("SPILLWAY_WORKER") + "/" + env.get("SPILLWAY_WORKERS") + " gpus="
                            + env.get("CUDA_VISIBLE_DEVICES");
                }).sorted().toList());
    }

    @Test
    void refusesAJobWithoutAnImageAndCreatesNoPod() {
        Launch noImage = new Launch("job-noimg", 0, 1, "onprem", "node-a", null, List.of("run"), Map.of(),
                List.of("0"), 1.0, null, List.of());

        ExecutorException error = assertThrows(ExecutorException.class, () -> executor.start(noImage, exit -> {
        }));

        assertEquals("the kubernetes executor needs the job's image", error.getMessage());
        assertEquals(List.of(), podNames());
        assertFalse(executor.isRunning("job-noimg"));
    }

    @Test
    void reportsAPodDeletedOutsideSpillwayAsKilledNotCancelled() throws Exception {
        CompletableFuture<ProcessExit> exit = new CompletableFuture<>();
        executor.start(launch("job-gone", 0, 1), exit::complete);
        setPhase("spillway-job-gone-0", "Running", null);

        cluster.pods().inNamespace(NAMESPACE).withName("spillway-job-gone-0").delete();

        ProcessExit ended = exit.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(KubernetesExecutor.DELETED_WITHOUT_EXIT_CODE, ended.exitCode());
        assertFalse(ended.cancelled());
    }

    @Test
    void leavesThePodsRunningWhenTheSchedulerShutsDown() throws Exception {
        executor.start(launch("job-lives-on", 0, 1), exit -> {
        });

        executor.stopAll();

        assertEquals(List.of("spillway-job-lives-on-0"), podNames());
    }

    @Test
    void namesTheApiErrorWhenThePodCannotBeCreated() throws Exception {
        executor.start(launch("job-twice", 0, 1), exit -> {
        });

        ExecutorException error = assertThrows(ExecutorException.class,
                () -> executor.start(launch("job-twice", 0, 1), exit -> {
                }));

        assertTrue(error.getMessage().startsWith("cannot create pod spillway-job-twice-0 in namespace gpu-jobs: "),
                error.getMessage());
    }

    private static Launch launch(String jobId, int worker, int workers) {
        return new Launch(jobId, worker, workers, "onprem", "node-" + worker, "img", List.of("run"), Map.of(),
                List.of("0"), 1.0, null, List.of());
    }

    /** What the kubelet would write: the phase, and once the container has ended, its exit code. */
    private void setPhase(String pod, String phase, Integer exitCode) {
        cluster.pods().inNamespace(NAMESPACE).withName(pod).editStatus(current -> {
            PodBuilder next = new PodBuilder(current);
            next.editOrNewStatus().withPhase(phase).endStatus();
            if (exitCode != null) {
                next.editStatus().withContainerStatuses(new ContainerStatusBuilder().withName("job")
                        .withNewState().withNewTerminated().withExitCode(exitCode).endTerminated().endState()
                        .build()).endStatus();
            }
            return next.build();
        });
    }

    private List<String> podNames() {
        return cluster.pods().inNamespace(NAMESPACE).list().getItems().stream().map(pod -> pod.getMetadata().getName())
                .sorted().toList();
    }

    private static Map<String, String> env(Container container) {
        return container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }
}
