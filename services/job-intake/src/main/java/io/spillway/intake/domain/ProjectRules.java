package io.spillway.intake.domain;

import java.util.ArrayList;
import java.util.List;

/** Checks a project's definition as an admin submits it. */
public final class ProjectRules {

    private ProjectRules() {
    }

    public static List<Violation> check(String name, Double deservedGpus, Double overQuotaWeight, Double limitGpus,
            String department) {
        List<Violation> violations = new ArrayList<>();
        if (name == null || name.isBlank()) {
            violations.add(new Violation("name", "is required"));
        } else if (!VolumeSyntax.isDns1123Label(name)) {
            violations.add(new Violation("name", "'" + name + "' must be a DNS-1123 label: lower-case letters,"
                    + " digits and '-', starting and ending with a letter or digit, at most 63 characters"));
        }
        if (deservedGpus != null && (deservedGpus < 0 || deservedGpus.isNaN() || deservedGpus.isInfinite())) {
            violations.add(new Violation("deservedGpus", "must be 0 or more"));
        }
        if (overQuotaWeight != null && (overQuotaWeight < 0 || overQuotaWeight.isNaN()
                || overQuotaWeight.isInfinite())) {
            violations.add(new Violation("overQuotaWeight", "must be 0 or more (0: never runs over its quota)"));
        }
        if (limitGpus != null) {
            if (limitGpus < 0 || limitGpus.isNaN() || limitGpus.isInfinite()) {
                violations.add(new Violation("limitGpus", "must be 0 or more, or absent for no limit"));
            } else if (deservedGpus != null && limitGpus < deservedGpus) {
                violations.add(new Violation("limitGpus", "must not be below deservedGpus (" + deservedGpus + ")"));
            }
        }
        if (department != null && !department.isEmpty() && !VolumeSyntax.isDns1123Label(department)) {
            violations.add(new Violation("department", "'" + department + "' must be a DNS-1123 label"));
        }
        return violations;
    }
}
