package io.spillway.intake.domain;

import java.util.List;
import java.util.Map;

/**
 * A job as a user submits it, before validation: the fields of "The job" in ARCHITECTURE.md, volumes in their
 * text form.
 *
 * @param site the home site; {@code null} for the platform's default site
 */
public record JobRequest(
        String name,
        String project,
        String image,
        List<String> command,
        Double gpu,
        Integer gpuMemoryMiB,
        Double cpu,
        Integer memoryMiB,
        Integer workers,
        String priority,
        List<String> volumes,
        Map<String, String> env,
        String nodePool,
        Boolean burstable,
        String site) {
}
