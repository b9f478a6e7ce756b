package io.spillway.intake.config;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** job-intake's settings, under {@code spillway.intake}; the site it runs at is {@code spillway.site}. */
@ConfigMapping(prefix = "spillway.intake")
public interface IntakeConfig {

    /**
     * The sites by name, each with its gpu-scheduler: where a job's output and a site's capacity come from, and the
     * sites snapshots and restores may name. None by default; the local stack configures {@code onprem} and
     * {@code cloud}. As environment variables: {@code SPILLWAY_INTAKE_SITES_ONPREM_SCHEDULER_URL}.
     */
    Map<String, Site> sites();

    /** Where a job runs when it names no site. */
    @WithDefault("onprem")
    String defaultSite();

    /** GPU fractions must be multiples of this. */
    @WithDefault("0.05")
    double gpuFractionStep();

    /** The directories under which a job's volumes may be mounted. */
    @WithDefault("/data,/datasets,/results,/outputs,/checkpoints,/models,/workspace,/scratch,/mnt,/home")
    List<String> allowedMountRoots();

    /** The event types external systems may post to the CloudEvents ingest endpoint. */
    @WithDefault("JobSubmitted,JobCancelled,SnapshotRequested")
    Set<String> ingestTypes();

    /** What exists on first start, so that a fresh install can take jobs. */
    Bootstrap bootstrap();

    /** One site. */
    interface Site {

        /**
         * The base URL of the site's gpu-scheduler ({@code http://host:port}). Set but empty leaves the site out, as
         * if it were not configured, so a deployment template can switch a site off.
         */
        Optional<URI> schedulerUrl();

        /**
         * The base URL of the site's snapshot-worker, which checks the snapshot repository on request ({@code spillway
         * snapshot check}); without it, a check at this site is refused with the setting to make.
         */
        Optional<URI> snapshotWorkerUrl();
    }

    /** The project and tokens registered on start; tokens by their SHA-256, so no secret passes through here. */
    interface Bootstrap {

        /** The project that always exists, to which the bootstrap project token belongs. */
        @WithDefault("default")
        String project();

        /** The GPUs that project deserves when it is created. */
        @WithDefault("0")
        double projectDeservedGpus();

        /** SHA-256 (hex) of the first admin token; absent, no admin token is registered. */
        Optional<String> adminTokenSha256();

        /** SHA-256 (hex) of the first token of {@link #project()}; absent, none is registered. */
        Optional<String> projectTokenSha256();
    }
}
