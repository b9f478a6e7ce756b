package io.spillway.scheduler.executor.kubernetes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.spillway.scheduler.executor.ExecutorException;
import io.spillway.scheduler.executor.Launch;
import io.spillway.scheduler.executor.MountedVolume;
import io.spillway.scheduler.executor.SpillwayEnvironment;
import io.spillway.schemas.VolumeMount;

/**
 * The pod of one worker of a job: bound to the node the scheduler chose, its GPUs named in the environment, its
 * filesystems mounted from PersistentVolumeClaims.
 *
 * <p>
 * It requests no {@code nvidia.com/gpu}. The scheduler has already chosen the GPUs (by id, and shares of one GPU,
 * which the device plugin cannot express); a request would make the device plugin pick devices of its own, and the
 * kubelet would refuse a second job on a GPU it counts as taken. The container runtime exposes the GPUs named in
 * {@code NVIDIA_VISIBLE_DEVICES} instead, which the node's NVIDIA container toolkit must be set to accept (see the
 * module's DESIGN.md).
 */
final class WorkerPods {

    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String SPILLWAY = "spillway";
    static final String JOB_ID = "spillway.io/job-id";
    static final String WORKER = "spillway.io/worker";
    static final String SITE = "spillway.io/site";
    static final String CONTAINER = "job";

    private final String claimPrefix;

    WorkerPods(String claimPrefix) {
        this.claimPrefix = claimPrefix;
    }

    /** The labels of every pod this executor runs for a site; what its informer follows. */
    static Map<String, String> sitePods(String site) {
        return Map.of(MANAGED_BY, SPILLWAY, SITE, PodNames.labelValue(site));
    }

    /** The labels of the pods of one job at a site. */
    static Map<String, String> jobPods(String site, String jobId) {
        Map<String, String> labels = new LinkedHashMap<>(sitePods(site));
        labels.put(JOB_ID, PodNames.labelValue(jobId));
        return labels;
    }

    Pod pod(Launch launch, String namespace) throws ExecutorException {
        if (launch.image() == null || launch.image().isBlank()) {
            throw new ExecutorException("the kubernetes executor needs the job's image");
        }
        Map<String, String> labels = new LinkedHashMap<>(jobPods(launch.site(), launch.jobId()));
        labels.put(WORKER, String.valueOf(launch.worker()));
        Map<String, Volume> volumes = new LinkedHashMap<>();
        List<io.fabric8.kubernetes.api.model.VolumeMount> mounts = new ArrayList<>();
        for (int index = 0; index < launch.volumes().size(); index++) {
            VolumeMount mount = launch.volumes().get(index);
            // The storage-agent's claim when it granted the mount; the site's naming rule otherwise.
            String claim = launch.grantOf(index).map(MountedVolume::claimName)
                    .orElse(claimPrefix + mount.filesystem());
            // One pod volume per filesystem, however many of its subpaths the job mounts.
            Volume volume = volumes.computeIfAbsent(mount.filesystem(), filesystem -> new VolumeBuilder()
                    .withName(PodNames.volume(filesystem))
                    .withNewPersistentVolumeClaim().withClaimName(claim).endPersistentVolumeClaim()
                    .build());
            mounts.add(new VolumeMountBuilder()
                    .withName(volume.getName())
                    .withMountPath(mount.mountPath())
                    .withSubPath(mount.subPath() == null || mount.subPath().isBlank() ? null : mount.subPath())
                    .withReadOnly(mount.readOnly())
                    .build());
        }
        return new PodBuilder()
                .withNewMetadata()
                .withName(PodNames.pod(launch.jobId(), launch.worker()))
                .withNamespace(namespace)
                .withLabels(labels)
                // The label value may be shortened to fit; the annotation keeps the job id as it is.
                .withAnnotations(Map.of(JOB_ID, launch.jobId()))
                .endMetadata()
                .withNewSpec()
                // Bound by the scheduler: no kube-scheduler decides, so placement and GPU ids always agree.
                .withNodeName(launch.node())
                .withRestartPolicy("Never")
                .addNewContainer()
                .withName(CONTAINER)
                .withImage(launch.image())
                // An empty command leaves the image's entrypoint to run.
                .withCommand(launch.command().isEmpty() ? null : launch.command())
                .withEnv(env(launch))
                .withVolumeMounts(mounts)
                .endContainer()
                .withVolumes(List.copyOf(volumes.values()))
                .endSpec()
                .build();
    }

    /** The job's own variables (sorted, so the spec is stable), then Spillway's, which win. */
    private static List<EnvVar> env(Launch launch) {
        Map<String, String> env = new LinkedHashMap<>(new TreeMap<>(launch.env()));
        Map<String, String> spillway = SpillwayEnvironment.of(launch);
        env.keySet().removeAll(spillway.keySet());
        env.putAll(spillway);
        return env.entrySet().stream().map(entry -> new EnvVar(entry.getKey(), entry.getValue(), null)).toList();
    }
}
