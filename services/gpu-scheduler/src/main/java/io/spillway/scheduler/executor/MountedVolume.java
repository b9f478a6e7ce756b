package io.spillway.scheduler.executor;

import io.spillway.schemas.VolumeMount;

/**
 * A job's volume as the site's storage-agent granted it: what the local executor links ({@code hostPath}) and what
 * the Kubernetes executor mounts ({@code claimName}, with the volume's sub-path).
 */
public record MountedVolume(VolumeMount volume, String hostPath, String claimName) {
}
