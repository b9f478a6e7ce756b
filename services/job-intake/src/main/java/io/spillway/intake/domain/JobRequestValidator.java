package io.spillway.intake.domain;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import io.spillway.schemas.JobSpec;
import io.spillway.schemas.PriorityClass;
import io.spillway.schemas.VolumeMount;

/** Checks a submitted job against every rule and turns it into the {@link JobSpec} the platform schedules. */
public final class JobRequestValidator {

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private JobRequestValidator() {
    }

    /** The outcome: a spec, or every violation found (not just the first). */
    public record Result(JobSpec spec, String site, List<Violation> violations) {

        public boolean valid() {
            return violations.isEmpty();
        }
    }

    public static Result validate(JobRequest request, String defaultSite) {
        return validate(request, SubmitPolicy.defaults(defaultSite));
    }

    public static Result validate(JobRequest request, SubmitPolicy policy) {
        String defaultSite = policy.defaultSite();
        List<Violation> violations = new ArrayList<>();
        if (request == null) {
            return new Result(null, null, List.of(new Violation("body", "a JSON job description is required")));
        }
        requireLabel(violations, "name", request.name());
        requireLabel(violations, "project", request.project());
        String site = request.site() == null ? defaultSite : request.site();
        if (request.site() != null && !VolumeSyntax.isDns1123Label(request.site())) {
            violations.add(new Violation("site", "must be a DNS-1123 label, e.g. onprem"));
        } else if (site != null && !policy.knowsSite(site)) {
            // Accepted, it would wait forever: no scheduler serves that site.
            violations.add(new Violation("site", "no site '" + site + "' in this cluster; its sites are "
                    + policy.siteNames()));
        }
        if (request.command() == null || request.command().isEmpty()
                || request.command().get(0) == null || request.command().get(0).isBlank()) {
            violations.add(new Violation("command", "must name the program to run, e.g. [\"python\", \"train.py\"]"));
        }
        int workers = request.workers() == null ? 1 : request.workers();
        if (workers < 1) {
            violations.add(new Violation("workers", "must be at least 1"));
        }
        checkGpu(violations, request, workers, policy.gpuFractionStep());
        if (request.cpu() != null && request.cpu() <= 0) {
            violations.add(new Violation("cpu", "must be greater than 0"));
        }
        if (request.memoryMiB() != null && request.memoryMiB() <= 0) {
            violations.add(new Violation("memoryMiB", "must be greater than 0"));
        }
        PriorityClass priority = PriorityClass.TRAIN;
        if (request.priority() != null) {
            try {
                priority = PriorityClass.fromWire(request.priority());
            } catch (IllegalArgumentException e) {
                violations.add(new Violation("priority", "must be one of train, build, interactive, inference"));
            }
        }
        List<VolumeMount> volumes = new ArrayList<>();
        List<String> volumeTexts = request.volumes() == null ? List.of() : request.volumes();
        for (int i = 0; i < volumeTexts.size(); i++) {
            try {
                VolumeMount volume = VolumeSyntax.parse(volumeTexts.get(i));
                if (!policy.allowsMountPath(volume.mountPath())) {
                    violations.add(new Violation("volumes[" + i + "]", "mount path '" + volume.mountPath()
                            + "' is outside the allowed roots " + policy.allowedMountRoots()));
                }
                volumes.add(volume);
            } catch (IllegalArgumentException e) {
                violations.add(new Violation("volumes[" + i + "]", e.getMessage()));
            }
        }
        Map<String, String> env = request.env() == null ? Map.of() : request.env();
        env.forEach((key, value) -> {
            if (key == null || !ENV_NAME.matcher(key).matches()) {
                violations.add(new Violation("env." + key, "is not a valid environment variable name"));
            } else if (value == null) {
                violations.add(new Violation("env." + key, "must have a value"));
            }
        });
        if (!violations.isEmpty()) {
            return new Result(null, site, List.copyOf(violations));
        }
        JobSpec spec = new JobSpec(request.name(), request.project(), request.image(), request.command(),
                request.gpuMemoryMiB() == null && request.gpu() == null ? Double.valueOf(1) : request.gpu(),
                request.gpuMemoryMiB(), request.cpu(), request.memoryMiB(), workers, priority, volumes, env,
                request.nodePool(), request.burstable());
        return new Result(spec, site, List.of());
    }

    private static void checkGpu(List<Violation> violations, JobRequest request, int workers, double step) {
        Double gpu = request.gpu();
        if (gpu != null && request.gpuMemoryMiB() != null) {
            violations.add(new Violation("gpuMemoryMiB", "ask for either gpu or gpuMemoryMiB, not both"));
        }
        if (request.gpuMemoryMiB() != null && request.gpuMemoryMiB() <= 0) {
            violations.add(new Violation("gpuMemoryMiB", "must be greater than 0"));
        }
        if (gpu == null) {
            return;
        }
        if (gpu <= 0) {
            violations.add(new Violation("gpu", "must be greater than 0: a fraction like 0.5 or a whole count"));
        } else if (gpu < 1) {
            double steps = gpu / step;
            if (Math.abs(steps - Math.rint(steps)) > 1e-9) {
                violations.add(new Violation("gpu", String.format(Locale.ROOT,
                        "%s is not a multiple of %s; this cluster shares GPUs in steps of %s%%", gpu,
                        BigDecimal.valueOf(step).stripTrailingZeros().toPlainString(),
                        BigDecimal.valueOf(step * 100).stripTrailingZeros().toPlainString())));
            }
            if (workers > 1) {
                violations.add(new Violation("workers", "a gang of workers needs whole GPUs; gpu is " + gpu));
            }
        } else if (gpu != Math.rint(gpu)) {
            violations.add(new Violation("gpu", "above 1 it must be a whole number of GPUs, got " + gpu));
        }
    }

    private static void requireLabel(List<Violation> violations, String field, String value) {
        if (value == null || value.isBlank()) {
            violations.add(new Violation(field, "is required"));
        } else if (!VolumeSyntax.isDns1123Label(value)) {
            violations.add(new Violation(field, "'" + value + "' must be a DNS-1123 label: lower-case letters, digits"
                    + " and '-', starting and ending with a letter or digit, at most 63 characters"));
        }
    }
}
